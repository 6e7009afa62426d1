"""Stripe through its official SDK: Checkout Sessions for one-off and monthly gifts.

Every outgoing call carries an idempotency key derived from our own ids, so a retried
request (a double-click, a timeout) never creates a second session or cancels twice.
Incoming events are handled in ``stripe_webhooks``.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings

from masthead.funding.gateways.base import GatewayError
from masthead.funding.models import Donation

logger = logging.getLogger(__name__)


def livemode() -> bool:
    """Live keys say so in their prefix; events from the other mode are refused."""
    key = settings.STRIPE_SECRET_KEY or ""
    return key.startswith(("sk_live_", "rk_live_"))


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,  # type: ignore[arg-type]
        max_network_retries=2,
    )


class StripeGateway:
    name = "stripe"

    def enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def checkout_params(self, donation: Donation, *, success_url: str, cancel_url: str) -> dict[str, Any]:
        price_data: dict[str, Any] = {
            "currency": donation.currency.lower(),
            "unit_amount": donation.amount,
            "product_data": {"name": f"Gift to {settings.SITE_NAME}: {donation.campaign.title}"[:250]},
        }
        metadata = {"donation_id": str(donation.public_id), "campaign_id": str(donation.campaign_id)}
        params: dict[str, Any] = {
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "client_reference_id": str(donation.public_id),
            "metadata": metadata,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if donation.email:
            params["customer_email"] = donation.email
        if donation.frequency == Donation.Frequency.MONTHLY:
            price_data["recurring"] = {"interval": "month"}
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["mode"] = "payment"
            params["payment_intent_data"] = {"metadata": metadata}
        return params

    def start_checkout(self, donation: Donation, *, success_url: str, cancel_url: str) -> str:
        params = self.checkout_params(donation, success_url=success_url, cancel_url=cancel_url)
        try:
            session = client().v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"masthead-checkout-{donation.public_id}"},
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe refused a checkout session for donation %s: %s", donation.pk, exc)
            raise GatewayError("The payment provider could not start the payment. Please try again.") from exc
        donation.stripe_checkout_session = session.id
        donation.checkout_url = session.url or ""
        donation.save(update_fields=["stripe_checkout_session", "checkout_url"])
        return donation.checkout_url

    def cancel_recurring(self, donation: Donation) -> None:
        if not donation.stripe_subscription:
            raise GatewayError("This monthly gift has no subscription at the payment provider yet.")
        try:
            client().v1.subscriptions.cancel(
                donation.stripe_subscription,
                options={"idempotency_key": f"masthead-cancel-{donation.public_id}"},
            )
        except stripe.InvalidRequestError as exc:
            # Already cancelled at Stripe (by the donor's bank, or support): the goal is met.
            if getattr(exc, "code", "") != "resource_missing":
                raise GatewayError("The payment provider could not cancel the subscription.") from exc
        except stripe.StripeError as exc:
            raise GatewayError("The payment provider could not cancel the subscription.") from exc

    def payment_fee(self, payment_intent: str) -> int | None:
        """The processing fee Stripe kept on a payment, or None when it cannot be read now."""
        try:
            intent = client().v1.payment_intents.retrieve(
                payment_intent, params={"expand": ["latest_charge.balance_transaction"]}
            )
        except stripe.StripeError as exc:
            logger.warning("Could not read the fee of %s: %s", payment_intent, exc)
            return None
        charge = intent.to_dict().get("latest_charge")
        transaction = charge.get("balance_transaction") if isinstance(charge, dict) else None
        if not isinstance(transaction, dict):
            return None
        return int(transaction.get("fee") or 0)
