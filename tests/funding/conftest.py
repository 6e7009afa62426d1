from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.funding.stripe_stub import StripeStub

WEBHOOK_SECRET = "whsec_test_" + "m" * 32


@pytest.fixture
def site(db):  # type: ignore[no-untyped-def]
    """The default site with publishing's home page as its root (made before any campaign:
    replacing Wagtail's welcome page replaces the Site row, which campaigns protect)."""
    from wagtail.models import Locale, Site

    from tests.publishing.factories import make_home

    # A transactional test elsewhere may have flushed the rows Wagtail's migrations made.
    Locale.objects.get_or_create(language_code="en")
    make_home()
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def campaign(site):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from masthead.funding import services

    today = timezone.localdate()
    return services.campaign_create(
        site=site,
        title="Keep the presses running",
        goal=470_000,
        currency="USD",
        starts_on=today.replace(day=1),
        ends_on=today + dt.timedelta(days=40),
    )


@pytest.fixture
def stripe_stub(settings) -> Iterator[StripeStub]:  # type: ignore[no-untyped-def]
    stub = StripeStub()
    stub.start()
    settings.STRIPE_SECRET_KEY = "sk_test_masthead_" + "x" * 24
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stub.url
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def stripe_settings(settings):  # type: ignore[no-untyped-def]
    """Stripe configured for webhooks only (no outgoing calls expected)."""
    settings.STRIPE_SECRET_KEY = "sk_test_masthead_" + "x" * 24
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: any outgoing call fails loudly
    return settings


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed exactly as Stripe does."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event(
    type_: str, obj: dict[str, Any], *, event_id: str | None = None, livemode: bool = False
) -> dict[str, Any]:
    return {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
        "data": {"object": obj},
    }


def post_event(
    client, payload: dict[str, Any] | str, *, signature: str | None = None, secret: str = WEBHOOK_SECRET
):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {}
    header = signature if signature is not None else sign(body, secret)
    if header:
        headers["HTTP_STRIPE_SIGNATURE"] = header
    return client.post("/webhooks/stripe/", data=body, content_type="application/json", **headers)


# --- realistic Stripe objects --------------------------------------------------------------


def checkout_session(
    donation,
    *,
    payment_intent: str | None = None,
    subscription: str | None = None,
    amount: int | None = None,
    currency: str | None = None,
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    monthly = donation.frequency == "monthly"
    return {
        "id": donation.stripe_checkout_session or "cs_test_" + secrets.token_hex(8),
        "object": "checkout.session",
        "amount_subtotal": amount or donation.amount,
        "amount_total": amount or donation.amount,
        "client_reference_id": str(donation.public_id),
        "currency": (currency or donation.currency).lower(),
        "customer": "cus_" + secrets.token_hex(6),
        "customer_details": {"email": donation.email, "name": donation.name},
        "livemode": False,
        "metadata": {"donation_id": str(donation.public_id)},
        "mode": "subscription" if monthly else "payment",
        "payment_intent": None if monthly else (payment_intent or "pi_" + secrets.token_hex(8)),
        "payment_status": "paid",
        "status": "complete",
        "subscription": (subscription or "sub_" + secrets.token_hex(8)) if monthly else None,
    }


def invoice(
    donation,
    *,
    subscription: str,
    invoice_id: str | None = None,
    amount: int | None = None,
    payment_intent: str | None = None,
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    now = int(time.time())
    return {
        "id": invoice_id or "in_" + secrets.token_hex(8),
        "object": "invoice",
        "amount_due": amount or donation.amount,
        "amount_paid": amount or donation.amount,
        "amount_remaining": 0,
        "billing_reason": "subscription_cycle",
        "currency": donation.currency.lower(),
        "customer": "cus_" + secrets.token_hex(6),
        "livemode": False,
        "status": "paid",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": subscription,
                "metadata": {"donation_id": str(donation.public_id)},
            },
        },
        "payments": {
            "object": "list",
            "data": [
                {
                    "object": "invoice_payment",
                    "payment": {
                        "type": "payment_intent",
                        "payment_intent": payment_intent or "pi_" + secrets.token_hex(8),
                    },
                }
            ],
        },
        "status_transitions": {"paid_at": now, "finalized_at": now},
    }


def charge(payment_intent: str, *, amount: int, refunded: int, currency: str = "usd") -> dict[str, Any]:
    return {
        "id": "ch_" + payment_intent.removeprefix("pi_"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "currency": currency,
        "livemode": False,
        "paid": True,
        "payment_intent": payment_intent,
        "refunded": refunded == amount,
        "status": "succeeded",
    }


def dispute(
    payment_intent: str, *, amount: int, status: str, dispute_id: str = "dp_test_1", fee: int = 1500
) -> dict[str, Any]:
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "charge": "ch_" + payment_intent.removeprefix("pi_"),
        "currency": "usd",
        "livemode": False,
        "payment_intent": payment_intent,
        "reason": "fraudulent",
        "status": status,
        "balance_transactions": [
            {
                "id": "txn_dp",
                "object": "balance_transaction",
                "amount": -amount,
                "fee": fee,
                "type": "adjustment",
            }
        ],
    }


def subscription(subscription_id: str, donation, *, status: str = "canceled") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "id": subscription_id,
        "object": "subscription",
        "status": status,
        "customer": "cus_x",
        "livemode": False,
        "metadata": {"donation_id": str(donation.public_id)},
        "canceled_at": int(time.time()),
    }


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):  # type: ignore[no-untyped-def]
    # The manifest storage needs collectstatic; tests render templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
