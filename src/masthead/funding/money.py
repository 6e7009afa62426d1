"""Amounts in minor units, and how a site writes them.

Money is always an integer count of the currency's minor unit (cents; yen for JPY, which has
none). Only this module converts between what a person types or reads and that integer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies without a minor unit, as Stripe lists them: 1 JPY is sent as 1.
ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
# The currencies editors can pick; a small list keeps the symbols right.
CURRENCIES = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CHF": "CHF",
    "CAD": "$",
    "AUD": "$",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "PLN": "zł",
    "CZK": "Kč",
    "JPY": "¥",
    "KRW": "₩",
}
CURRENCY_CHOICES = [(code, f"{code} ({symbol})") for code, symbol in CURRENCIES.items()]


class AmountError(ValueError):
    """An amount a person typed that cannot be money in this currency."""


def exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def to_minor(value: str | Decimal | int, currency: str) -> int:
    """Parse a major-unit amount ("12.50") into minor units (1250), refusing extra precision."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise AmountError("Enter an amount as a number, for example 25.") from exc
    if not amount.is_finite():
        raise AmountError("Enter an amount as a number, for example 25.")
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        places = exponent(currency)
        raise AmountError(
            f"{currency} amounts have no decimals." if places == 0 else f"Use at most {places} decimals."
        )
    return int(scaled)


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


@dataclass(frozen=True)
class Format:
    """How a site writes amounts: "4,700 $" (symbol after) or "$4,700" (before)."""

    symbol_after: bool = True
    group_separator: str = ","
    decimal_separator: str = "."


def _group(digits: str, separator: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return separator.join(parts)


def format_amount(minor: int, currency: str, fmt: Format = Format(), *, whole: bool = False) -> str:
    """Write ``minor`` as people read it; ``whole`` rounds to whole units (the bar's labels)."""
    places = 0 if whole else exponent(currency)
    major = to_major(abs(minor), currency).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integral, _, fraction = f"{major:f}".partition(".")
    number = _group(integral, fmt.group_separator)
    if fraction and fraction.strip("0"):
        number += fmt.decimal_separator + fraction
    sign = "-" if minor < 0 else ""
    symbol = CURRENCIES.get(currency.upper(), currency.upper())
    return f"{sign}{number} {symbol}" if fmt.symbol_after else f"{sign}{symbol}{number}"
