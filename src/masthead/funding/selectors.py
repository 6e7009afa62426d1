"""Reads that feed pages: the current campaign, its progress, the wall, the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from wagtail.models import Site

from masthead.core import pagecache
from masthead.funding.models import Campaign, Donation, FundingSettings, LedgerEntry
from masthead.funding.money import Format, format_amount, to_major

_TOTALS_TIMEOUT = 300
_CONTRIBUTING = [LedgerEntry.Kind.CONTRIBUTION, LedgerEntry.Kind.OFFLINE_GIFT]


def campaign_current(*, site: Site | None, today: dt.date | None = None) -> Campaign | None:
    """The site's running campaign: the latest one to have started and not yet ended."""
    if site is None:
        return None
    today = today or timezone.localdate()
    return (
        Campaign.objects.filter(site=site, starts_on__lte=today, ends_on__gt=today)
        .order_by("-starts_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Totals:
    raised: int
    supporters: int
    fees: int


def campaign_totals(*, campaign: Campaign) -> Totals:
    """Raised, supporters and fees, summed from the ledger and cached until the next write.

    The cache key carries the "funding" version that every ledger write bumps after commit,
    so a value computed before a commit can never be served after it.
    """
    key = f"funding:totals:{campaign.pk}:{pagecache.versions(['funding'])}"
    cached = cache.get(key)
    if cached is not None:
        return Totals(*cached)
    totals = campaign_totals_uncached(campaign=campaign)
    cache.set(key, (totals.raised, totals.supporters, totals.fees), timeout=_TOTALS_TIMEOUT)
    return totals


def campaign_totals_uncached(*, campaign: Campaign) -> Totals:
    row = LedgerEntry.objects.filter(campaign=campaign).aggregate(
        raised=Sum("amount", filter=Q(kind__in=LedgerEntry.RAISED_KINDS)),
        fees=Sum("amount", filter=Q(kind=LedgerEntry.Kind.FEE)),
        supporters=Count("donation", filter=Q(kind__in=_CONTRIBUTING), distinct=True),
    )
    return Totals(raised=row["raised"] or 0, supporters=row["supporters"] or 0, fees=-(row["fees"] or 0))


def amount_format(*, site: Site | None) -> Format:
    if site is None:
        return Format()
    settings = FundingSettings.for_site(site)
    return Format(
        symbol_after=settings.symbol_after,
        group_separator=settings.group_separator,
        decimal_separator=settings.decimal_separator or ".",
    )


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    raised: int
    supporters: int
    percent: float
    labels: tuple[str, str, str]
    raised_label: str
    goal_label: str

    @property
    def percent_attr(self) -> str:
        return f"{self.percent:.1f}%"

    @property
    def value_max(self) -> int:
        return round(to_major(self.campaign.goal, self.campaign.currency))

    @property
    def value_now(self) -> int:
        return round(to_major(self.raised, self.campaign.currency))


def campaign_progress(*, campaign: Campaign, fmt: Format) -> Progress:
    """What the bar shows: the scale at 0, half and the goal, the raised amount and the fill."""
    totals = campaign_totals(campaign=campaign)
    raised = max(totals.raised, 0)
    percent = min(100.0, raised * 100 / campaign.goal)

    def label(minor: int) -> str:
        return format_amount(minor, campaign.currency, fmt, whole=True)

    return Progress(
        campaign=campaign,
        raised=raised,
        supporters=totals.supporters,
        percent=percent,
        labels=(label(0), label(campaign.goal // 2), label(campaign.goal)),
        raised_label=label(raised),
        goal_label=label(campaign.goal),
    )


def supporters_wall(*, campaign: Campaign, limit: int = 50) -> QuerySet[Donation]:
    """Listed donors who gave to the campaign, newest first; anonymous gifts are not shown."""
    return (
        Donation.objects.filter(campaign=campaign, listed=True, ledger__kind__in=_CONTRIBUTING)
        .exclude(name="")
        .exclude(status=Donation.Status.REFUNDED)
        .distinct()
        .only("name", "message", "created_at", "listed")
        .order_by("-created_at", "-pk")[:limit]
    )


def report_rows(*, group_by: str, campaign: Campaign | None = None) -> list[dict[str, Any]]:
    """Gross, refunded, disputed, fees and net raised grouped by campaign, day or article."""
    field = {"campaign": "campaign__title", "day": "day", "article": "donation__article__title"}[group_by]
    entries = LedgerEntry.objects.all()
    if campaign is not None:
        entries = entries.filter(campaign=campaign)
    if group_by == "day":
        entries = entries.annotate(day=TruncDate("occurred_at"))
    keys = [field, "currency"] + (["campaign_id"] if group_by == "campaign" else [])
    rows = (
        entries.values(*keys)
        .annotate(
            gross=Sum("amount", filter=Q(kind__in=_CONTRIBUTING)),
            refunded=Sum("amount", filter=Q(kind=LedgerEntry.Kind.REFUND)),
            disputed=Sum(
                "amount", filter=Q(kind__in=[LedgerEntry.Kind.DISPUTE, LedgerEntry.Kind.DISPUTE_WON])
            ),
            fees=Sum("amount", filter=Q(kind=LedgerEntry.Kind.FEE)),
            raised=Sum("amount", filter=Q(kind__in=LedgerEntry.RAISED_KINDS)),
            gifts=Count("donation", filter=Q(kind__in=_CONTRIBUTING), distinct=True),
        )
        .order_by(f"-{field}" if group_by == "day" else field)
    )
    return [
        {
            "key": row[field] if row[field] is not None else "(none)",
            "currency": row["currency"],
            "gifts": row["gifts"],
            "gross": row["gross"] or 0,
            "refunded": -(row["refunded"] or 0),
            "disputed": -(row["disputed"] or 0),
            "fees": -(row["fees"] or 0),
            "raised": row["raised"] or 0,
        }
        for row in rows
    ]
