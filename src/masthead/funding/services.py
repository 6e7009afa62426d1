"""State changes to campaigns, donations and the ledger. Every money change writes an event.

Money rules live here and nowhere else: amounts are positive integers in minor units, capped
by ``FUNDING_MAX_AMOUNT``, in the campaign's currency; ledger entries are only ever added,
each provider movement at most once (a unique constraint backs that up under concurrency).
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
import uuid
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.core import pagecache
from masthead.funding.models import Campaign, Donation, FundingEvent, LedgerEntry
from masthead.funding.money import CURRENCIES

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class FundingError(ValidationError):
    """A request the ledger refuses: bad amount, wrong currency, unknown campaign."""


def clean_text(value: str, *, max_length: int) -> str:
    """Plain text from whatever a person typed: tags and control characters gone, trimmed."""
    text = value or ""
    # Entity-encoded markup ("&lt;script&gt;") turns into tags once unescaped: clean until stable.
    for _ in range(3):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    text = _CONTROL.sub("", text)
    return " ".join(text.split())[:max_length]


def validate_amount(*, amount: int, currency: str, campaign: Campaign) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise FundingError("The amount must be a whole number of minor units.", code="amount_type")
    if amount <= 0:
        raise FundingError("The amount must be more than zero.", code="amount_not_positive")
    if amount > settings.FUNDING_MAX_AMOUNT:
        raise FundingError("The amount is over the largest gift we accept online.", code="amount_over_cap")
    if currency.upper() != campaign.currency:
        raise FundingError(
            f"This campaign is in {campaign.currency}, not {currency.upper()}.", code="currency_mismatch"
        )


def _bump_after_commit() -> None:
    # Every page showing the bar depends on the "funding" scope, and so do cached totals.
    transaction.on_commit(lambda: pagecache.bump("funding"))


def event_record(
    *,
    action: str,
    actor: Any = None,
    source: str = "",
    reason: str = "",
    campaign: Campaign | None = None,
    donation: Donation | None = None,
    ledger_entry: LedgerEntry | None = None,
    data: dict[str, Any] | None = None,
) -> FundingEvent:
    return FundingEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source[:120],
        reason=reason[:255],
        campaign=campaign or (donation.campaign if donation else None),
        donation=donation,
        ledger_entry=ledger_entry,
        data=data or {},
    )


# --- campaigns ---------------------------------------------------------------------------


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month // 12), day.month % 12 + 1, 1)


def campaign_create(
    *,
    site: Site,
    title: str,
    goal: int,
    currency: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    recurrence: str = Campaign.Recurrence.NONE,
    description: str = "",
    actor: Any = None,
) -> Campaign:
    """Create a campaign; a monthly one without an end runs to the end of its first month."""
    if goal <= 0:
        raise FundingError("The goal must be more than zero.", code="goal_not_positive")
    if currency not in CURRENCIES:
        raise FundingError(f"Unknown currency {currency}.", code="currency_unknown")
    ends_on = ends_on or _next_month(starts_on)
    if ends_on <= starts_on:
        raise FundingError("The campaign must end after it starts.", code="dates")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            site=site,
            title=title,
            goal=goal,
            currency=currency,
            starts_on=starts_on,
            ends_on=ends_on,
            recurrence=recurrence,
            description=description,
        )
        event_record(action="campaign.created", actor=actor, campaign=campaign, data={"goal": goal})
        _bump_after_commit()
    return campaign


def campaign_updated(*, campaign: Campaign, actor: Any, changed: list[str]) -> None:
    """Record an editor's change to a campaign (the goal moves every bar)."""
    event_record(
        action="campaign.changed",
        actor=actor,
        campaign=campaign,
        data={"changed": changed, "goal": campaign.goal},
    )
    _bump_after_commit()


def campaigns_roll_over(*, today: dt.date | None = None) -> list[Campaign]:
    """Start the next month of every monthly campaign that has ended; safe to run anywhere, often.

    The successor's ``previous`` link is unique, so two processes racing here make one campaign.
    """
    today = today or timezone.localdate()
    created = []
    ended = Campaign.objects.filter(
        recurrence=Campaign.Recurrence.MONTHLY, ends_on__lte=today, next_campaign__isnull=True
    )
    for campaign in ended:
        successor = _roll_over_one(campaign, today)
        if successor is not None:
            created.append(successor)
    return created


def _roll_over_one(campaign: Campaign, today: dt.date) -> Campaign | None:
    starts_on = campaign.ends_on
    # A server that was off for months catches up to the month containing today at once.
    while _next_month(starts_on) <= today:
        starts_on = _next_month(starts_on)
    try:
        with transaction.atomic():
            successor = Campaign.objects.create(
                site_id=campaign.site_id,
                title=_rolled_title(campaign.title, starts_on),
                description=campaign.description,
                goal=campaign.goal,
                currency=campaign.currency,
                starts_on=starts_on,
                ends_on=_next_month(starts_on),
                recurrence=campaign.recurrence,
                previous=campaign,
            )
            event_record(
                action="campaign.rolled_over",
                source="scheduler",
                campaign=successor,
                data={"previous": campaign.pk},
            )
            _bump_after_commit()
    except IntegrityError:
        return None
    return successor


def _rolled_title(title: str, starts_on: dt.date) -> str:
    month = f"{calendar.month_name[starts_on.month]} {starts_on.year}"
    stem = re.sub(r"\s*[—-]\s*[A-Z][a-z]+ \d{4}$", "", title)
    return f"{stem} — {month}"


# --- donations ---------------------------------------------------------------------------


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


# --- the ledger --------------------------------------------------------------------------


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
    _bump_after_commit()
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
