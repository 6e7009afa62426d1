"""Receipts by email through the task runner and SMTP; the signed link a monthly donor manages with."""

import re

import pytest
from django.db import transaction

from masthead.funding import services
from masthead.funding.links import donation_for_token, manage_token, manage_url
from masthead.funding.models import Receipt
from masthead.funding.tasks import send_receipt
from tests.funding.conftest import checkout_session, event, invoice, post_event
from tests.funding.factories import offline_gift, pending_donation

pytestmark = pytest.mark.django_db


def test_a_paid_gift_mails_one_receipt(
    client, campaign, stripe_settings, smtp_server, django_capture_on_commit_callbacks
):
    donation = pending_donation(campaign, amount=2_500, email="wren@example.org", name="Wren Alder")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            client, event("checkout.session.completed", checkout_session(donation, payment_intent="pi_mail"))
        )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "wren@example.org"
    assert message["Subject"] == "Thank you for supporting Masthead"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "thank you for your gift of 25 $" in body
    assert "Reference: pi_mail" in body
    assert "/support/manage/" not in body
    receipt = Receipt.objects.get()
    assert receipt.sent_at is not None
    # A retried task finds the receipt sent and sends nothing.
    assert send_receipt.call(receipt.ledger_entry_id) == "already sent"


def test_a_monthly_receipt_carries_the_manage_link(
    client, campaign, stripe_settings, smtp_server, django_capture_on_commit_callbacks
):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly", email="juno@example.org")
    post_event(client, event("checkout.session.completed", checkout_session(donation, subscription="sub_r")))
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, event("invoice.paid", invoice(donation, subscription="sub_r", invoice_id="in_r1")))
    (message,) = smtp_server.wait_for(1)
    body = message.get_body(preferencelist=("plain",)).get_content()
    # The signed token carries the second it was made, so compare what the link opens rather
    # than its exact text.
    campaign.site.refresh_from_db()
    prefix = campaign.site.root_url.rstrip("/") + "/support/manage/"
    (link,) = re.findall(re.escape(prefix) + r"([^/\s]+)/", body)
    assert donation_for_token(link) == donation
    assert manage_url(donation).startswith(prefix)


def test_an_offline_gift_with_an_address_gets_a_receipt(
    campaign, editor, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift(
            campaign, amount=12_000, reference="BT-55", actor=editor, email="ola@example.org", name="Ola"
        )
    (message,) = smtp_server.wait_for(1)
    assert "120 $" in message.get_body(preferencelist=("plain",)).get_content()


def _active_monthly(client, campaign, stripe_stub, subscription_id="sub_manage"):
    donation = pending_donation(campaign, amount=1_000, frequency="monthly")
    post_event(
        client, event("checkout.session.completed", checkout_session(donation, subscription=subscription_id))
    )
    post_event(
        client, event("invoice.paid", invoice(donation, subscription=subscription_id, invoice_id="in_m1"))
    )
    stripe_stub.subscriptions[subscription_id] = {
        "id": subscription_id,
        "object": "subscription",
        "status": "active",
    }
    donation.refresh_from_db()
    return donation


def test_the_manage_link_shows_the_gift_and_its_payments(client, campaign, stripe_stub):
    donation = _active_monthly(client, campaign, stripe_stub)
    response = client.get(f"/support/manage/{manage_token(donation)}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "10 $ a month" in html
    assert "Contribution 10 $" in html
    assert "Cancel my monthly gift" in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"].startswith("max-age=0")


def test_cancelling_through_the_link_cancels_at_stripe_with_an_idempotency_key(client, campaign, stripe_stub):
    donation = _active_monthly(client, campaign, stripe_stub)
    url = f"/support/manage/{manage_token(donation)}/"
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 302
    donation.refresh_from_db()
    assert donation.status == "cancelled"
    cancel = [r for r in stripe_stub.requests if r.method == "DELETE"]
    assert [(r.path, r.idempotency_key) for r in cancel] == [
        ("/v1/subscriptions/sub_manage", f"masthead-cancel-{donation.public_id}")
    ]
    assert stripe_stub.subscriptions["sub_manage"]["status"] == "canceled"
    assert "is cancelled" in client.get(response["Location"]).content.decode()
    # Stripe's own event for the cancellation then changes nothing.
    from tests.funding.conftest import subscription

    again = post_event(client, event("customer.subscription.deleted", subscription("sub_manage", donation)))
    assert again.json()["outcome"] == "already cancelled"
    # Posting the form twice does not call Stripe again.
    client.post(url, {"action": "cancel"})
    assert len([r for r in stripe_stub.requests if r.method == "DELETE"]) == 1


@pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxfQ:1abc:def"])
def test_a_forged_or_mangled_link_is_404(client, campaign, token):
    response = client.get(f"/support/manage/{token}/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_link_signed_for_one_donation_cannot_be_edited_into_another(client, campaign, stripe_stub):
    first = _active_monthly(client, campaign, stripe_stub, "sub_a")
    token = manage_token(first)
    value, _, signature = token.partition(":")
    assert client.get(f"/support/manage/{value[:-2]}xx:{signature}/").status_code == 404


def test_cancelling_needs_csrf(campaign, stripe_stub):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    donation = _active_monthly(Client(), campaign, stripe_stub)
    assert (
        csrf_client.post(f"/support/manage/{manage_token(donation)}/", {"action": "cancel"}).status_code
        == 403
    )
    donation.refresh_from_db()
    assert donation.status == "succeeded"


def test_a_one_off_gift_cannot_be_cancelled(campaign, stripe_stub):
    donation = pending_donation(campaign)
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.contribution_record(
            donation=locked, amount=2_500, external_id="pi_x", payment_reference="pi_x"
        )
    assert services.donation_cancel(donation=locked) is False
    assert stripe_stub.requests == []
