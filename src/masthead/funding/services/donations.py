"""Donations: started by a reader, moved through their states, cancelled by the donor."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from masthead.funding.models import Campaign, Donation
from masthead.funding.services.common import FundingError, clean_text, event_record, validate_amount


def donation_start(
    *,
    campaign: Campaign,
    amount: int,
    currency: str,
    frequency: str,
    gateway: str,
    name: str = "",
    email: str = "",
    listed: bool = False,
    message: str = "",
    article: Page | None = None,
    request_token: uuid.UUID | None = None,
    user: Any = None,
    livemode: bool = False,
) -> tuple[Donation, bool]:
    """A pending donation a reader is about to pay; (donation, created).

    The same ``request_token`` (a double-clicked form) returns the first donation.
    """
    validate_amount(amount=amount, currency=currency, campaign=campaign)
    if frequency not in Donation.Frequency.values:
        raise FundingError("Choose one-off or monthly.", code="frequency")
    if request_token is not None:
        existing = Donation.objects.filter(request_token=request_token).first()
        if existing is not None:
            return existing, False
    fields: dict[str, Any] = {
        "campaign": campaign,
        "amount": amount,
        "currency": campaign.currency,
        "frequency": frequency,
        "gateway": gateway,
        "name": clean_text(name, max_length=80),
        "email": email.strip().lower(),
        "listed": listed,
        "message": clean_text(message, max_length=280),
        "article": article,
        "request_token": request_token,
        "user": user if getattr(user, "is_authenticated", False) else None,
        "livemode": livemode,
    }
    try:
        with transaction.atomic():
            donation = Donation.objects.create(**fields)
            event_record(action="donation.started", actor=user, donation=donation, data={"amount": amount})
    except IntegrityError:
        # Two clicks raced past the lookup above; the unique token kept one donation.
        return Donation.objects.get(request_token=request_token), False
    return donation, True


def donation_update_from_provider(*, donation: Donation, **fields: Any) -> None:
    """Store provider ids (customer, subscription, payment intent) as they become known."""
    changed = [name for name, value in fields.items() if value and getattr(donation, name) != value]
    for name in changed:
        setattr(donation, name, fields[name])
    if changed:
        donation.save(update_fields=changed)


def donation_set_status(
    *, donation: Donation, status: str, actor: Any = None, source: str = "", reason: str = ""
) -> bool:
    """Move a donation along pending → succeeded/failed → refunded, or to cancelled (monthly)."""
    allowed = {
        Donation.Status.PENDING: {
            Donation.Status.SUCCEEDED,
            Donation.Status.FAILED,
            Donation.Status.CANCELLED,
        },
        Donation.Status.SUCCEEDED: {Donation.Status.REFUNDED, Donation.Status.CANCELLED},
        Donation.Status.FAILED: {Donation.Status.SUCCEEDED},
        Donation.Status.CANCELLED: {Donation.Status.REFUNDED},
        Donation.Status.REFUNDED: set(),
    }
    if status == donation.status or status not in allowed[Donation.Status(donation.status)]:
        return False
    previous = donation.status
    donation.status = status
    update = ["status"]
    if status == Donation.Status.CANCELLED:
        donation.cancelled_at = timezone.now()
        update.append("cancelled_at")
    donation.save(update_fields=update)
    event_record(
        action=f"donation.{status}",
        actor=actor,
        source=source,
        reason=reason,
        donation=donation,
        data={"from": previous, "to": status},
    )
    return True


def lock_donation(donation_id: int) -> Donation:
    """The donation, row-locked: every ledger write for one donation happens under this lock."""
    return Donation.objects.select_for_update().select_related("campaign").get(pk=donation_id)


def donation_cancel(*, donation: Donation, actor: Any = None, source: str = "", reason: str = "") -> bool:
    """Stop a monthly donation at the provider, then here; False when it was not running."""
    from masthead.funding import gateways

    if donation.frequency != Donation.Frequency.MONTHLY or donation.status != Donation.Status.SUCCEEDED:
        return False
    gateways.get(donation.gateway).cancel_recurring(donation)
    with transaction.atomic():
        locked = lock_donation(donation.pk)
        return donation_set_status(
            donation=locked, status=Donation.Status.CANCELLED, actor=actor, source=source, reason=reason
        )
