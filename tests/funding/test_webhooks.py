"""Stripe's webhook endpoint: every handled event type, replays, forgeries, bad input, order."""

import json
import time

import pytest

from masthead.funding import selectors
from masthead.funding.models import Donation, FundingEvent, LedgerEntry, WebhookEvent
from tests.funding.conftest import (
    charge,
    checkout_session,
    dispute,
    event,
    invoice,
    post_event,
    sign,
    subscription,
)
from tests.funding.factories import pending_donation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


def raised(campaign):
    return selectors.campaign_totals_uncached(campaign=campaign).raised


def paid_one_off(client, campaign, *, amount=2_500, payment_intent="pi_w1"):
    donation = pending_donation(campaign, amount=amount)
    response = post_event(
        client, event("checkout.session.completed", checkout_session(donation, payment_intent=payment_intent))
    )
    assert response.status_code == 200, response.content
    return donation


# --- each event type ------------------------------------------------------------------------


def test_checkout_session_completed_records_the_contribution(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    payload = event(
        "checkout.session.completed", checkout_session(donation, payment_intent="pi_a1"), event_id="evt_a1"
    )
    response = post_event(client, payload)
    assert response.status_code == 200
    assert response.json() == {"status": "processed", "event": "evt_a1", "outcome": "contribution recorded"}
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_payment_intent) == ("succeeded", "pi_a1")
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.external_id, entry.campaign_id) == (
        "contribution",
        2_500,
        "pi_a1",
        campaign.pk,
    )
    assert WebhookEvent.objects.get().outcome == "contribution recorded"
    assert FundingEvent.objects.filter(action="ledger.contribution", source__contains="evt_a1").count() == 1


def test_monthly_checkout_starts_the_subscription_and_each_invoice_paid_adds_a_payment(client, campaign):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly")
    session = checkout_session(donation, subscription="sub_m1")
    assert (
        post_event(client, event("checkout.session.completed", session)).json()["outcome"]
        == "subscription started"
    )
    assert raised(campaign) == 0
    for number in (1, 2):
        response = post_event(
            client, event("invoice.paid", invoice(donation, subscription="sub_m1", invoice_id=f"in_{number}"))
        )
        assert response.json()["outcome"] == "contribution recorded"
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_subscription) == ("succeeded", "sub_m1")
    assert raised(campaign) == 2_000
    assert list(LedgerEntry.objects.order_by("pk").values_list("external_id", flat=True)) == ["in_1", "in_2"]


def test_invoice_paid_before_the_checkout_session_event_still_finds_the_donation(client, campaign):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly")
    response = post_event(
        client, event("invoice.paid", invoice(donation, subscription="sub_early", invoice_id="in_early"))
    )
    assert response.status_code == 200
    assert raised(campaign) == 1_000
    post_event(
        client, event("checkout.session.completed", checkout_session(donation, subscription="sub_early"))
    )
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_subscription) == ("succeeded", "sub_early")
    assert raised(campaign) == 1_000


def test_invoice_in_the_older_api_shape_is_understood(client, campaign):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly")
    post_event(
        client, event("checkout.session.completed", checkout_session(donation, subscription="sub_old"))
    )
    old = invoice(donation, subscription="sub_old", invoice_id="in_old")
    del old["parent"], old["payments"]
    old.update({"subscription": "sub_old", "payment_intent": "pi_old"})
    assert post_event(client, event("invoice.paid", old)).status_code == 200
    assert LedgerEntry.objects.get(external_id="in_old").payment_reference == "pi_old"


def test_partial_refund_then_the_rest(client, campaign):
    paid_one_off(client, campaign, amount=10_000, payment_intent="pi_ref")
    response = post_event(client, event("charge.refunded", charge("pi_ref", amount=10_000, refunded=2_500)))
    assert response.json()["outcome"] == "refund recorded"
    assert raised(campaign) == 7_500
    assert Donation.objects.get().status == "succeeded"
    post_event(client, event("charge.refunded", charge("pi_ref", amount=10_000, refunded=10_000)))
    assert raised(campaign) == 0
    assert Donation.objects.get().status == "refunded"
    assert list(
        LedgerEntry.objects.filter(kind="refund").order_by("pk").values_list("amount", flat=True)
    ) == [-2_500, -7_500]


def test_refunds_delivered_out_of_order_converge(client, campaign):
    paid_one_off(client, campaign, amount=10_000, payment_intent="pi_ooo")
    later = event("charge.refunded", charge("pi_ooo", amount=10_000, refunded=6_000))
    earlier = event("charge.refunded", charge("pi_ooo", amount=10_000, refunded=2_000))
    assert post_event(client, later).json()["outcome"] == "refund recorded"
    assert post_event(client, earlier).json()["outcome"] == "refund already recorded"
    assert raised(campaign) == 4_000


def test_refund_for_a_payment_not_yet_known_asks_stripe_to_retry(client, campaign):
    payload = event(
        "charge.refunded", charge("pi_unknown", amount=1_000, refunded=1_000), event_id="evt_early"
    )
    response = post_event(client, payload)
    assert response.status_code == 409
    assert "retry" in response.json()["error"]
    assert WebhookEvent.objects.count() == 0
    paid_one_off(client, campaign, amount=1_000, payment_intent="pi_unknown")
    assert post_event(client, payload).status_code == 200
    assert raised(campaign) == 0


def test_dispute_created_then_closed_lost(client, campaign):
    paid_one_off(client, campaign, amount=5_000, payment_intent="pi_dl")
    post_event(
        client, event("charge.dispute.created", dispute("pi_dl", amount=5_000, status="needs_response"))
    )
    assert raised(campaign) == 0
    post_event(client, event("charge.dispute.closed", dispute("pi_dl", amount=5_000, status="lost")))
    assert raised(campaign) == 0
    assert selectors.campaign_totals_uncached(campaign=campaign).fees == 1_500
    assert LedgerEntry.objects.filter(kind="dispute").count() == 1


def test_dispute_closed_won_before_created_arrives_nets_to_zero(client, campaign):
    paid_one_off(client, campaign, amount=5_000, payment_intent="pi_dw")
    post_event(client, event("charge.dispute.closed", dispute("pi_dw", amount=5_000, status="won")))
    post_event(
        client, event("charge.dispute.created", dispute("pi_dw", amount=5_000, status="needs_response"))
    )
    assert raised(campaign) == 5_000
    assert sorted(LedgerEntry.objects.values_list("kind", flat=True)) == [
        "contribution",
        "dispute",
        "dispute_won",
        "fee",
    ]


def test_subscription_deleted_cancels_the_monthly_donation(client, campaign):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly")
    post_event(
        client, event("checkout.session.completed", checkout_session(donation, subscription="sub_del"))
    )
    response = post_event(client, event("customer.subscription.deleted", subscription("sub_del", donation)))
    assert response.json()["outcome"] == "cancelled"
    donation.refresh_from_db()
    assert donation.status == "cancelled"
    assert donation.cancelled_at is not None
    again = post_event(client, event("customer.subscription.deleted", subscription("sub_del", donation)))
    assert again.json()["outcome"] == "already cancelled"


def test_an_expired_checkout_marks_the_pending_donation_failed_but_never_a_paid_one(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    expired = checkout_session(donation) | {"status": "expired", "payment_status": "unpaid"}
    assert post_event(client, event("checkout.session.expired", expired)).json()["outcome"] == "marked failed"
    donation.refresh_from_db()
    assert donation.status == "failed"
    paid = paid_one_off(client, campaign, amount=1_000, payment_intent="pi_exp")
    late = checkout_session(paid) | {"status": "expired", "payment_status": "unpaid"}
    assert (
        post_event(client, event("checkout.session.expired", late)).json()["outcome"] == "nothing to change"
    )
    paid.refresh_from_db()
    assert paid.status == "succeeded"


# --- replay, forgery and bad input: nothing recorded ----------------------------------------


def test_a_replayed_event_changes_nothing(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    payload = event(
        "checkout.session.completed", checkout_session(donation, payment_intent="pi_rp"), event_id="evt_rp"
    )
    assert post_event(client, payload).json()["status"] == "processed"
    second = post_event(client, payload)
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "event": "evt_rp"}
    assert raised(campaign) == 2_500
    assert (LedgerEntry.objects.count(), WebhookEvent.objects.count()) == (1, 1)


def test_the_same_payment_under_a_new_event_id_is_still_counted_once(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    session = checkout_session(donation, payment_intent="pi_twice")
    post_event(client, event("checkout.session.completed", session))
    assert (
        post_event(client, event("checkout.session.completed", session)).json()["outcome"]
        == "contribution already recorded"
    )
    assert raised(campaign) == 2_500


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=deadbeef",
        "garbage",
        None,  # signed with another secret, below
    ],
)
def test_forged_or_unsigned_webhooks_get_401_and_record_nothing(client, campaign, header):
    donation = pending_donation(campaign, amount=2_500)
    body = json.dumps(event("checkout.session.completed", checkout_session(donation)))
    signature = sign(body, secret="whsec_someone_else") if header is None else header
    if header == "":
        response = client.post("/webhooks/stripe/", data=body, content_type="application/json")
    else:
        response = post_event(client, body, signature=signature)
    assert response.status_code == 401
    assert "error" in response.json()
    assert (LedgerEntry.objects.count(), WebhookEvent.objects.count()) == (0, 0)


def test_a_tampered_body_fails_the_signature(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    body = json.dumps(event("checkout.session.completed", checkout_session(donation)))
    signature = sign(body)
    response = post_event(
        client, body.replace('"amount_total": 2500', '"amount_total": 999999'), signature=signature
    )
    assert response.status_code == 401
    assert LedgerEntry.objects.count() == 0


def test_an_old_signature_is_refused_as_a_replay(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    body = json.dumps(event("checkout.session.completed", checkout_session(donation)))
    response = post_event(client, body, signature=sign(body, timestamp=int(time.time()) - 3_600))
    assert response.status_code == 401
    assert LedgerEntry.objects.count() == 0


def test_a_live_event_at_a_test_mode_endpoint_is_refused(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    response = post_event(
        client, event("checkout.session.completed", checkout_session(donation), livemode=True)
    )
    assert response.status_code == 400
    assert "live-mode" in response.json()["error"]
    assert (LedgerEntry.objects.count(), WebhookEvent.objects.count()) == (0, 0)


def test_a_test_event_at_a_live_endpoint_is_refused(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_" + "z" * 24
    donation = pending_donation(campaign, amount=2_500)
    response = post_event(client, event("checkout.session.completed", checkout_session(donation)))
    assert response.status_code == 400
    assert LedgerEntry.objects.count() == 0


def test_unknown_event_types_are_refused_and_not_stored(client, campaign):
    response = post_event(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 400
    assert response.json() == {"error": "Unhandled event type customer.created."}
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"id": "evt_1", "type": "invoice.paid", "livemode": false}',
        '{"id": 5, "type": "x", "data": {"object": {}}}',
    ],
)
def test_malformed_payloads_are_400(client, campaign, body):
    response = post_event(client, body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_session_in_another_currency_is_refused_and_nothing_half_written(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    response = post_event(
        client, event("checkout.session.completed", checkout_session(donation, currency="eur"))
    )
    assert response.status_code == 422
    assert "Currency" in response.json()["error"]
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_customer) == ("pending", "")
    assert (LedgerEntry.objects.count(), WebhookEvent.objects.count()) == (0, 0)


def test_an_amount_over_the_cap_is_refused(client, campaign, settings):
    settings.FUNDING_MAX_AMOUNT = 5_000
    donation = pending_donation(campaign, amount=2_500)
    response = post_event(
        client, event("checkout.session.completed", checkout_session(donation, amount=50_000))
    )
    assert response.status_code == 422
    assert LedgerEntry.objects.count() == 0


def test_a_session_that_is_not_ours_is_refused(client, campaign):
    donation = pending_donation(campaign, amount=2_500)
    session = checkout_session(donation)
    session.update({"client_reference_id": "00000000-0000-0000-0000-000000000000", "metadata": {}})
    response = post_event(client, event("checkout.session.completed", session))
    assert response.status_code == 422
    assert LedgerEntry.objects.count() == 0


def test_webhooks_without_a_configured_secret_answer_503(client, campaign, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_event(client, event("invoice.paid", {"id": "in_x"}))
    assert response.status_code == 503


def test_the_endpoint_only_accepts_post(client):
    assert client.get("/webhooks/stripe/").status_code == 405
