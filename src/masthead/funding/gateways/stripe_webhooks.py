"""Stripe's events, applied to the ledger.

Each event is verified (signature, then live/test mode), stored by id in the same
transaction that applies it (so a replay changes nothing), and applied from the state of
the object it carries (cumulative refunds, a dispute's current status) rather than as a
delta, so deliveries out of order converge on the same ledger.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.funding import services
from masthead.funding.gateways.stripe import livemode
from masthead.funding.models import Donation, LedgerEntry, WebhookEvent


class WebhookError(Exception):
    """An event we refuse; ``status`` is the HTTP answer (4xx: nothing was recorded)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]


def _epoch(value: Any) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


def _source(event: dict[str, Any]) -> str:
    return f"stripe {event['type']} {event['id']}"


def _donation_by(*, public_id: str | None = None, **lookup: str | None) -> Donation | None:
    if public_id:
        found = Donation.objects.filter(public_id=public_id, gateway="stripe").first()
        if found is not None:
            return found
    present = {key: value for key, value in lookup.items() if value}
    if not present:
        return None
    return Donation.objects.filter(gateway="stripe", **present).first()


def _locked(donation: Donation | None, what: str) -> Donation:
    if donation is None:
        # Probably the event that creates it is still on its way: Stripe retries on a 409.
        raise WebhookError(409, f"No donation for this {what} yet; retry later.")
    return services.lock_donation(donation.pk)


def _check_currency(donation: Donation, currency: str | None) -> None:
    if (currency or "").upper() != donation.currency:
        raise WebhookError(422, f"Currency {currency!r} does not match the donation's {donation.currency}.")


def _payment_owner(payment_intent: str | None) -> Donation | None:
    """The donation a payment belongs to, from the contribution recorded for it."""
    if not payment_intent:
        return None
    entry = LedgerEntry.objects.filter(
        gateway="stripe", kind=LedgerEntry.Kind.CONTRIBUTION, payment_reference=payment_intent
    ).first()
    if entry is not None:
        return entry.donation
    return _donation_by(stripe_payment_intent=payment_intent)


# --- handlers: each returns a short outcome, or raises WebhookError ------------------------


def checkout_session_completed(obj: dict[str, Any], event: dict[str, Any]) -> str:
    donation = _donation_by(
        public_id=obj.get("client_reference_id") or (obj.get("metadata") or {}).get("donation_id"),
        stripe_checkout_session=obj.get("id"),
    )
    if donation is None:
        raise WebhookError(422, "This checkout session is not one of ours.")
    donation = _locked(donation, "checkout session")
    _check_currency(donation, obj.get("currency"))
    services.donation_update_from_provider(
        donation=donation,
        stripe_checkout_session=obj.get("id") or "",
        stripe_customer=obj.get("customer") or "",
        stripe_subscription=obj.get("subscription") or "",
        stripe_payment_intent=obj.get("payment_intent") or "",
    )
    if obj.get("mode") == "subscription":
        # The money of each month arrives as invoice.paid; the session only starts the subscription.
        services.donation_set_status(
            donation=donation, status=Donation.Status.SUCCEEDED, source=_source(event)
        )
        return "subscription started"
    if obj.get("payment_status") != "paid":
        return "awaiting payment"
    reference = obj.get("payment_intent") or obj["id"]
    entry = services.contribution_record(
        donation=donation,
        amount=int(obj.get("amount_total") or 0),
        external_id=reference,
        payment_reference=reference,
        occurred_at=_epoch(event.get("created")),
        source=_source(event),
    )
    if entry is not None and obj.get("payment_intent"):
        from masthead.funding.tasks import record_payment_fee

        transaction.on_commit(lambda: record_payment_fee.enqueue(donation.pk, reference))
    return "contribution recorded" if entry else "contribution already recorded"


def checkout_session_expired(obj: dict[str, Any], event: dict[str, Any]) -> str:
    """The reader left Stripe's page without paying: the pending donation failed."""
    donation = _donation_by(public_id=obj.get("client_reference_id"), stripe_checkout_session=obj.get("id"))
    if donation is None:
        raise WebhookError(422, "This checkout session is not one of ours.")
    donation = _locked(donation, "checkout session")
    changed = services.donation_set_status(
        donation=donation, status=Donation.Status.FAILED, source=_source(event), reason="checkout expired"
    )
    return "marked failed" if changed else "nothing to change"


def _invoice_subscription(obj: dict[str, Any]) -> tuple[str, str]:
    """(subscription id, our donation id) from an invoice, in the old and the new API shapes."""
    details = ((obj.get("parent") or {}).get("subscription_details")) or obj.get("subscription_details") or {}
    subscription = details.get("subscription") or obj.get("subscription") or ""
    if isinstance(subscription, dict):
        subscription = subscription.get("id", "")
    return subscription, (details.get("metadata") or {}).get("donation_id", "")


def _invoice_payment_intent(obj: dict[str, Any]) -> str:
    if obj.get("payment_intent"):
        return str(obj["payment_intent"])
    for payment in (obj.get("payments") or {}).get("data", []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return str(intent)
    return ""


def invoice_paid(obj: dict[str, Any], event: dict[str, Any]) -> str:
    subscription, public_id = _invoice_subscription(obj)
    donation = _locked(_donation_by(public_id=public_id, stripe_subscription=subscription), "invoice")
    _check_currency(donation, obj.get("currency"))
    amount = int(obj.get("amount_paid") or 0)
    if amount == 0:
        return "nothing paid"
    services.donation_update_from_provider(
        donation=donation, stripe_subscription=subscription, stripe_customer=obj.get("customer") or ""
    )
    paid_at = (obj.get("status_transitions") or {}).get("paid_at") or event.get("created")
    entry = services.contribution_record(
        donation=donation,
        amount=amount,
        external_id=obj["id"],
        payment_reference=_invoice_payment_intent(obj) or obj["id"],
        occurred_at=_epoch(paid_at),
        source=_source(event),
    )
    return "contribution recorded" if entry else "contribution already recorded"


def charge_refunded(obj: dict[str, Any], event: dict[str, Any]) -> str:
    intent = obj.get("payment_intent") or ""
    donation = _locked(_payment_owner(intent), "charge")
    _check_currency(donation, obj.get("currency"))
    refunded = int(obj.get("amount_refunded") or 0)
    try:
        entry = services.refund_reconcile(
            donation=donation,
            payment_reference=intent,
            refunded_total=refunded,
            external_id=f"{obj['id']}:refunded:{refunded}",
            source=_source(event),
            reason="refunded at Stripe",
        )
    except services.FundingError as exc:
        raise WebhookError(422, exc.messages[0]) from exc
    return "refund recorded" if entry else "refund already recorded"


def charge_dispute(obj: dict[str, Any], event: dict[str, Any]) -> str:
    intent = obj.get("payment_intent") or ""
    donation = _locked(_payment_owner(intent), "disputed charge")
    _check_currency(donation, obj.get("currency"))
    fee = sum(
        int(item.get("fee") or 0)
        for item in obj.get("balance_transactions") or []
        if isinstance(item, dict) and int(item.get("amount") or 0) < 0
    )
    entries = services.dispute_reconcile(
        donation=donation,
        dispute_id=obj["id"],
        amount=int(obj.get("amount") or 0),
        status=obj.get("status") or "",
        payment_reference=intent,
        fee=fee,
        source=_source(event),
    )
    return f"dispute {obj.get('status')}: {len(entries)} entries"


def subscription_deleted(obj: dict[str, Any], event: dict[str, Any]) -> str:
    public_id = (obj.get("metadata") or {}).get("donation_id")
    donation = _locked(_donation_by(public_id=public_id, stripe_subscription=obj.get("id")), "subscription")
    changed = services.donation_set_status(
        donation=donation,
        status=Donation.Status.CANCELLED,
        source=_source(event),
        reason="subscription ended",
    )
    return "cancelled" if changed else "already cancelled"


HANDLERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], str]] = {
    "checkout.session.completed": checkout_session_completed,
    "checkout.session.expired": checkout_session_expired,
    "invoice.paid": invoice_paid,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": charge_dispute,
    "charge.dispute.closed": charge_dispute,
    "charge.dispute.funds_withdrawn": charge_dispute,
    "charge.dispute.funds_reinstated": charge_dispute,
    "customer.subscription.deleted": subscription_deleted,
}


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, once its signature and mode check out; WebhookError otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookError(503, "Stripe webhooks are not configured.")
    if not signature:
        raise WebhookError(401, "Missing Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise WebhookError(401, "Invalid signature.") from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise WebhookError(400, "The payload is not JSON.") from exc
    if not isinstance(event, dict) or not isinstance(event.get("data", {}).get("object"), dict):
        raise WebhookError(400, "The payload is not a Stripe event.")
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise WebhookError(400, "The payload is not a Stripe event.")
    if bool(event.get("livemode")) != livemode():
        mode = "live" if event.get("livemode") else "test"
        raise WebhookError(400, f"A {mode}-mode event was sent to an endpoint in the other mode.")
    return event


def receive(payload: bytes, signature: str | None) -> Outcome:
    """Verify, deduplicate and apply one delivery: the webhook view's only call."""
    try:
        event = verify(payload, signature)
        handler = HANDLERS.get(event["type"])
        if handler is None:
            raise WebhookError(400, f"Unhandled event type {event['type']}.")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    stored = WebhookEvent.objects.create(
                        gateway="stripe",
                        event_id=event["id"],
                        type=event["type"],
                        livemode=bool(event.get("livemode")),
                        created=_epoch(event.get("created")),
                    )
            except IntegrityError:
                return Outcome(200, {"status": "duplicate", "event": event["id"]})
            outcome = handler(event["data"]["object"], event)
            stored.outcome = outcome[:255]
            stored.save(update_fields=["outcome"])
    except WebhookError as exc:
        return Outcome(exc.status, {"error": exc.message})
    except services.FundingError as exc:
        return Outcome(422, {"error": exc.messages[0]})
    except (KeyError, TypeError, ValueError) as exc:
        return Outcome(400, {"error": f"Malformed event object: {exc.__class__.__name__}"})
    return Outcome(200, {"status": "processed", "event": event["id"], "outcome": outcome})
