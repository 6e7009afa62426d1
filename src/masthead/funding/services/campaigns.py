"""Campaigns: creation, editors' changes, and the monthly roll-over the scheduler runs."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Site

from masthead.funding.models import Campaign
from masthead.funding.money import CURRENCIES
from masthead.funding.services.common import FundingError, bump_after_commit, event_record


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
        bump_after_commit()
    return campaign


def campaign_updated(*, campaign: Campaign, actor: Any, changed: list[str]) -> None:
    """Record an editor's change to a campaign (the goal moves every bar)."""
    event_record(
        action="campaign.changed",
        actor=actor,
        campaign=campaign,
        data={"changed": changed, "goal": campaign.goal},
    )
    bump_after_commit()


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
            bump_after_commit()
    except IntegrityError:
        return None
    return successor


def _rolled_title(title: str, starts_on: dt.date) -> str:
    month = f"{calendar.month_name[starts_on.month]} {starts_on.year}"
    stem = re.sub(r"\s*[—-]\s*[A-Z][a-z]+ \d{4}$", "", title)
    return f"{stem} — {month}"
