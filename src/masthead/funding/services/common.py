"""What every funding service shares: the error, text cleaning, amount rules, the event row."""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from masthead.core import pagecache
from masthead.funding.models import Campaign, Donation, FundingEvent, LedgerEntry

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


def bump_after_commit() -> None:
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
