"""The ledger: append-only, each movement once, totals derived from it and refreshed on commit."""

import pytest
from django.db import transaction

from masthead.core import pagecache
from masthead.funding import selectors, services
from masthead.funding.models import Donation, FundingEvent, LedgerEntry
from tests.funding.factories import offline_gift, paid_donation, pending_donation

pytestmark = pytest.mark.django_db


def raised(campaign):
    return selectors.campaign_totals_uncached(campaign=campaign).raised


def test_contribution_adds_to_the_raised_total_and_marks_the_donation_succeeded(campaign):
    donation, entry = paid_donation(campaign, amount=2_500)
    assert entry.kind == "contribution"
    assert entry.amount == 2_500
    assert donation.status == Donation.Status.SUCCEEDED
    totals = selectors.campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.supporters, totals.fees) == (2_500, 1, 0)


def test_the_same_provider_movement_is_recorded_once(campaign):
    donation, _ = paid_donation(campaign, amount=2_500, payment_intent="pi_once")
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        again = services.contribution_record(
            donation=locked, amount=2_500, external_id="pi_once", payment_reference="pi_once"
        )
    assert again is None
    assert raised(campaign) == 2_500
    assert LedgerEntry.objects.count() == 1


def test_offline_gift_is_a_ledger_entry_with_an_event_naming_the_editor(campaign, editor):
    donation, entry = offline_gift(
        campaign, amount=12_000, reference="BT-7781", actor=editor, name="Ola Berg"
    )
    assert (entry.kind, entry.amount, entry.gateway, entry.recorded_by) == (
        "offline_gift",
        12_000,
        "offline",
        editor,
    )
    assert donation.status == "succeeded"
    event = FundingEvent.objects.get(ledger_entry=entry)
    assert (event.action, event.actor, event.data["amount"]) == ("ledger.offline_gift", editor, 12_000)
    assert raised(campaign) == 12_000


def test_offline_gift_reference_can_be_entered_once(campaign, editor):
    offline_gift(campaign, amount=5_000, reference="BT-1", actor=editor)
    with pytest.raises(services.FundingError) as caught:
        offline_gift(campaign, amount=5_000, reference="BT-1", actor=editor)
    assert caught.value.code == "duplicate_reference"
    assert raised(campaign) == 5_000
    assert Donation.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        (0, "USD", "amount_not_positive"),
        (-500, "USD", "amount_not_positive"),
        (1_000_001, "USD", "amount_over_cap"),
        (500, "EUR", "currency_mismatch"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(campaign, editor, amount, currency, code):
    with pytest.raises(services.FundingError) as caught:
        services.offline_gift_record(
            campaign=campaign, amount=amount, currency=currency, method="cash", actor=editor
        )
    assert caught.value.code == code
    assert (
        Donation.objects.count(),
        LedgerEntry.objects.count(),
        FundingEvent.objects.filter(action__startswith="ledger").count(),
    ) == (0, 0, 0)


def test_the_cap_is_a_setting(campaign, settings):
    settings.FUNDING_MAX_AMOUNT = 10_000
    with pytest.raises(services.FundingError):
        pending_donation(campaign, amount=10_001)
    assert pending_donation(campaign, amount=10_000).amount == 10_000


def test_partial_then_full_refund_applies_the_cumulative_state(campaign):
    donation, _ = paid_donation(campaign, amount=10_000, payment_intent="pi_r")
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        first = services.refund_reconcile(
            donation=locked, payment_reference="pi_r", refunded_total=3_000, external_id="ch_r:3000"
        )
        repeat = services.refund_reconcile(
            donation=locked, payment_reference="pi_r", refunded_total=3_000, external_id="ch_r:3000b"
        )
    assert first.amount == -3_000
    assert repeat is None
    assert raised(campaign) == 7_000
    donation.refresh_from_db()
    assert donation.status == "succeeded"
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        rest = services.refund_reconcile(
            donation=locked, payment_reference="pi_r", refunded_total=10_000, external_id="ch_r:10000"
        )
    assert rest.amount == -7_000
    assert raised(campaign) == 0
    donation.refresh_from_db()
    assert donation.status == "refunded"


def test_an_older_smaller_refund_state_never_moves_the_total_back(campaign):
    donation, _ = paid_donation(campaign, amount=10_000, payment_intent="pi_o")
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.refund_reconcile(
            donation=locked, payment_reference="pi_o", refunded_total=6_000, external_id="x:6000"
        )
        late = services.refund_reconcile(
            donation=locked, payment_reference="pi_o", refunded_total=2_000, external_id="x:2000"
        )
    assert late is None
    assert raised(campaign) == 4_000


def test_refund_larger_than_the_payment_is_refused(campaign):
    donation, _ = paid_donation(campaign, amount=1_000, payment_intent="pi_big")
    with pytest.raises(services.FundingError), transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.refund_reconcile(
            donation=locked, payment_reference="pi_big", refunded_total=1_001, external_id="x"
        )
    assert raised(campaign) == 1_000


def test_dispute_withdraws_funds_and_a_win_reinstates_them_fees_kept_apart(campaign):
    donation, _ = paid_donation(campaign, amount=5_000, payment_intent="pi_d")
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.dispute_reconcile(
            donation=locked,
            dispute_id="dp_1",
            amount=5_000,
            status="needs_response",
            payment_reference="pi_d",
            fee=1_500,
        )
    totals = selectors.campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.fees) == (0, 1_500)
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.dispute_reconcile(
            donation=locked,
            dispute_id="dp_1",
            amount=5_000,
            status="won",
            payment_reference="pi_d",
            fee=1_500,
        )
    totals = selectors.campaign_totals_uncached(campaign=campaign)
    assert (totals.raised, totals.fees) == (5_000, 1_500)
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount")) == [
        ("contribution", 5_000),
        ("dispute", -5_000),
        ("fee", -1_500),
        ("dispute_won", 5_000),
    ]


def test_an_inquiry_moves_no_money(campaign):
    donation, _ = paid_donation(campaign, amount=5_000, payment_intent="pi_w")
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        assert (
            services.dispute_reconcile(
                donation=locked,
                dispute_id="dp_w",
                amount=5_000,
                status="warning_needs_response",
                payment_reference="pi_w",
            )
            == []
        )
    assert raised(campaign) == 5_000


def test_ledger_entries_cannot_be_changed_or_deleted(campaign):
    _, entry = paid_donation(campaign)
    entry.amount = 1
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    assert LedgerEntry.objects.get().amount == 2_500


def test_a_write_bumps_the_funding_cache_version_after_commit(campaign, django_capture_on_commit_callbacks):
    before = selectors.campaign_totals(campaign=campaign)
    version = pagecache.versions(["funding"])
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift(campaign, amount=4_200)
    assert pagecache.versions(["funding"]) != version
    assert before.raised == 0
    assert selectors.campaign_totals(campaign=campaign).raised == 4_200


def test_cached_totals_do_not_read_the_ledger(campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    offline_gift(campaign, amount=4_200)
    first = selectors.campaign_totals(campaign=campaign)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.campaign_totals(campaign=campaign) == first
    # The cache itself may be the database; the ledger is not read again.
    assert not [q for q in queries.captured_queries if "funding_ledgerentry" in q["sql"]]


def test_messages_and_names_are_stored_as_plain_text(campaign):
    donation = pending_donation(
        campaign, name="<b>Ana</b>\u202e", message='<script>alert(1)</script>Thanks <a href="x">all</a>'
    )
    assert donation.name == "Ana"
    assert donation.message == "Thanks all"
