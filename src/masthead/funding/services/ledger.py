"""The ledger: contributions, offline gifts, refunds, disputes and fees, each appended once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.funding.services.common import (
    FundingError,
    bump_after_commit,
    clean_text,
    event_record,
    validate_amount,
)
from masthead.funding.services.donations import donation_set_status, lock_donation


def ledger_record(
    *,
    donation: Donation,
    kind: str,
    amount: int,
    external_id: str,
    payment_reference: str = "",
    occurred_at: dt.datetime | None = None,
    actor: Any = None,
    source: str = "",
    reason: str = "",
    note: str = "",
) -> LedgerEntry | None:
    """Append one movement; None when this provider movement was already recorded.

    ``amount`` is signed as the ledger stores it. Runs in its own savepoint so a duplicate
    leaves the caller's transaction usable. The raised totals and cached pages are refreshed
    once the transaction commits; a contribution or gift also gets its receipt then.
    """
    sign_ok = amount > 0 if kind in ("contribution", "offline_gift", "dispute_won") else amount < 0
    if not sign_ok or kind not in LedgerEntry.Kind.values:
        raise FundingError(f"A {kind} cannot move {amount}.", code="ledger_sign")
    if abs(amount) > settings.FUNDING_MAX_AMOUNT:
        raise FundingError("The amount is over the largest single movement accepted.", code="amount_over_cap")
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                campaign_id=donation.campaign_id,
                donation=donation,
                kind=kind,
                amount=amount,
                currency=donation.currency,
                gateway=donation.gateway,
                external_id=external_id,
                payment_reference=payment_reference,
                occurred_at=occurred_at or timezone.now(),
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                note=note[:255],
            )
    except IntegrityError:
        if LedgerEntry.objects.filter(gateway=donation.gateway, kind=kind, external_id=external_id).exists():
            return None
        raise
    event_record(
        action=f"ledger.{kind}",
        actor=actor,
        source=source,
        reason=reason,
        donation=donation,
        ledger_entry=entry,
        data={"amount": amount, "currency": donation.currency, "external_id": external_id},
    )
    bump_after_commit()
    if kind in ("contribution", "offline_gift") and donation.email:
        from masthead.funding.tasks import send_receipt

        entry_id = entry.pk
        transaction.on_commit(lambda: send_receipt.enqueue(entry_id))
    return entry


def contribution_record(
    *,
    donation: Donation,
    amount: int,
    external_id: str,
    payment_reference: str = "",
    occurred_at: dt.datetime | None = None,
    actor: Any = None,
    source: str = "",
    note: str = "",
) -> LedgerEntry | None:
    """A payment received for ``donation`` (online or offline): the one way money comes in.

    Call inside a transaction holding :func:`lock_donation`.
    """
    validate_amount(amount=amount, currency=donation.currency, campaign=donation.campaign)
    kind = (
        LedgerEntry.Kind.OFFLINE_GIFT
        if donation.gateway == Donation.Gateway.OFFLINE
        else LedgerEntry.Kind.CONTRIBUTION
    )
    entry = ledger_record(
        donation=donation,
        kind=kind,
        amount=amount,
        external_id=external_id,
        payment_reference=payment_reference,
        occurred_at=occurred_at,
        actor=actor,
        source=source,
        note=note,
    )
    if entry is not None or donation.status == Donation.Status.PENDING:
        donation_set_status(donation=donation, status=Donation.Status.SUCCEEDED, actor=actor, source=source)
    return entry


def _refunded_so_far(payment_reference: str, gateway: str) -> int:
    total = LedgerEntry.objects.filter(
        gateway=gateway, kind=LedgerEntry.Kind.REFUND, payment_reference=payment_reference
    ).aggregate(total=Sum("amount"))["total"]
    return -(total or 0)


def refund_reconcile(
    *,
    donation: Donation,
    payment_reference: str,
    refunded_total: int,
    external_id: str,
    source: str = "",
    actor: Any = None,
    reason: str = "",
) -> LedgerEntry | None:
    """Bring the refunds of one payment up to ``refunded_total`` (the provider's current state).

    Applying the state rather than the event makes late, early and repeated deliveries
    harmless: a refund already counted adds nothing, refunds never go backwards. Call inside
    a transaction holding :func:`lock_donation`.
    """
    paid = (
        LedgerEntry.objects.filter(
            gateway=donation.gateway,
            kind__in=[LedgerEntry.Kind.CONTRIBUTION, LedgerEntry.Kind.OFFLINE_GIFT],
            payment_reference=payment_reference,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if refunded_total > paid:
        raise FundingError("A refund cannot be larger than the payment.", code="refund_too_large")
    missing = refunded_total - _refunded_so_far(payment_reference, donation.gateway)
    if missing <= 0:
        return None
    entry = ledger_record(
        donation=donation,
        kind=LedgerEntry.Kind.REFUND,
        amount=-missing,
        external_id=external_id,
        payment_reference=payment_reference,
        actor=actor,
        source=source,
        reason=reason,
    )
    fully = refunded_total == paid and donation.frequency == Donation.Frequency.ONE_OFF
    if entry is not None and fully:
        donation_set_status(donation=donation, status=Donation.Status.REFUNDED, actor=actor, source=source)
    return entry


def dispute_reconcile(
    *,
    donation: Donation,
    dispute_id: str,
    amount: int,
    status: str,
    payment_reference: str,
    fee: int = 0,
    source: str = "",
) -> list[LedgerEntry]:
    """Apply a dispute's current status: funds out while open or lost, back in when won.

    Inquiries (``warning_*``) move no money. Call while holding :func:`lock_donation`.
    """
    if status.startswith("warning_"):
        return []
    entries = [
        ledger_record(
            donation=donation,
            kind=LedgerEntry.Kind.DISPUTE,
            amount=-amount,
            external_id=dispute_id,
            payment_reference=payment_reference,
            source=source,
            reason=f"dispute {status}",
        )
    ]
    if fee > 0:
        entries.append(
            ledger_record(
                donation=donation,
                kind=LedgerEntry.Kind.FEE,
                amount=-fee,
                external_id=f"{dispute_id}:fee",
                payment_reference=payment_reference,
                source=source,
                reason="dispute fee",
            )
        )
    if status == "won":
        entries.append(
            ledger_record(
                donation=donation,
                kind=LedgerEntry.Kind.DISPUTE_WON,
                amount=amount,
                external_id=dispute_id,
                payment_reference=payment_reference,
                source=source,
                reason="dispute won",
            )
        )
    return [entry for entry in entries if entry is not None]


def fee_record(
    *, donation: Donation, fee: int, external_id: str, payment_reference: str, source: str = ""
) -> LedgerEntry | None:
    """The provider's processing fee for a payment (kept for the accounts, not the raised total)."""
    if fee <= 0:
        return None
    return ledger_record(
        donation=donation,
        kind=LedgerEntry.Kind.FEE,
        amount=-fee,
        external_id=external_id,
        payment_reference=payment_reference,
        source=source,
        reason="processing fee",
    )


def offline_gift_record(
    *,
    campaign: Campaign,
    amount: int,
    currency: str,
    method: str,
    actor: Any,
    name: str = "",
    email: str = "",
    listed: bool = False,
    message: str = "",
    article: Page | None = None,
    reference: str = "",
    received_at: dt.datetime | None = None,
    note: str = "",
) -> tuple[Donation, LedgerEntry]:
    """An editor records a bank transfer, cash or cheque gift: a donation and its ledger entry.

    A bank ``reference`` can be entered once only, so a statement imported twice adds nothing.
    """
    validate_amount(amount=amount, currency=currency, campaign=campaign)
    if method not in Donation.OfflineMethod.values:
        raise FundingError("Choose bank transfer, cash or cheque.", code="method")
    reference = reference.strip()
    external_id = f"{method}:{reference}" if reference else f"offline:{uuid.uuid4()}"
    if LedgerEntry.objects.filter(gateway="offline", external_id=external_id).exists():
        raise FundingError(
            f"A gift with reference {reference} is already recorded.", code="duplicate_reference"
        )
    with transaction.atomic():
        donation = Donation.objects.create(
            campaign=campaign,
            amount=amount,
            currency=campaign.currency,
            gateway=Donation.Gateway.OFFLINE,
            offline_method=method,
            name=clean_text(name, max_length=80),
            email=email.strip().lower(),
            listed=listed,
            message=clean_text(message, max_length=280),
            article=article,
        )
        donation = lock_donation(donation.pk)
        entry = contribution_record(
            donation=donation,
            amount=amount,
            external_id=external_id,
            payment_reference=external_id,
            occurred_at=received_at,
            actor=actor,
            source="offline",
            note=note,
        )
        if entry is None:
            raise FundingError(
                f"A gift with reference {reference} is already recorded.", code="duplicate_reference"
            )
    return donation, entry


def offline_refund_record(*, entry: LedgerEntry, amount: int, actor: Any, reason: str) -> LedgerEntry | None:
    """An editor returns part or all of an offline gift."""
    if amount <= 0:
        raise FundingError("The refund must be more than zero.", code="amount_not_positive")
    with transaction.atomic():
        donation = lock_donation(entry.donation_id)
        already = _refunded_so_far(entry.payment_reference, donation.gateway)
        return refund_reconcile(
            donation=donation,
            payment_reference=entry.payment_reference,
            refunded_total=already + amount,
            external_id=f"{entry.external_id}:refund:{already + amount}",
            actor=actor,
            source="offline",
            reason=reason,
        )
