import pytest

from masthead.funding.money import AmountError, Format, exponent, format_amount, to_minor


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("25", "USD", 2500),
        ("12.50", "EUR", 1250),
        ("1,114", "USD", 111400),
        ("500", "JPY", 500),
        ("0.01", "USD", 1),
    ],
)
def test_to_minor_counts_the_currencys_minor_units(typed, currency, minor):
    assert to_minor(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency"),
    [("12.5", "JPY"), ("1.001", "USD"), ("ten", "USD"), ("NaN", "USD"), ("Infinity", "EUR"), ("", "USD")],
)
def test_to_minor_refuses_what_is_not_money(typed, currency):
    with pytest.raises(AmountError):
        to_minor(typed, currency)


def test_zero_decimal_currencies_have_no_minor_unit():
    assert exponent("JPY") == 0
    assert exponent("krw") == 0
    assert exponent("USD") == 2


def test_format_writes_the_seeds_labels_with_the_symbol_after():
    assert format_amount(470_000, "USD", whole=True) == "4,700 $"
    assert format_amount(235_000, "USD", whole=True) == "2,350 $"
    assert format_amount(111_400, "USD", whole=True) == "1,114 $"
    assert format_amount(0, "USD", whole=True) == "0 $"


def test_format_keeps_cents_unless_whole_and_follows_the_site_style():
    assert format_amount(123_456, "USD") == "1,234.56 $"
    assert (
        format_amount(123_400, "EUR", Format(symbol_after=False, group_separator=".", decimal_separator=","))
        == "€1.234"
    )
    assert (
        format_amount(123_450, "EUR", Format(symbol_after=True, group_separator=".", decimal_separator=","))
        == "1.234,50 €"
    )
    assert format_amount(-2_500, "GBP", Format(symbol_after=False)) == "-£25"
    assert format_amount(150_000, "JPY") == "150,000 ¥"


def test_whole_labels_round_half_up():
    assert format_amount(235_050, "USD", whole=True) == "2,351 $"
