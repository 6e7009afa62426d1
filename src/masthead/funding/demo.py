"""Demo content: this month's campaign, shaped like the seed's bar (4,700 $ goal, 1,114 $ raised).

Every supporter and message here was written for Masthead's demo. Running it again adds
nothing: the campaign is found by its site and month, each gift by its fixed reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.funding import services
from masthead.funding.models import Campaign, Donation, LedgerEntry

GOAL = 470_000  # 4,700.00 USD

# (reference, gateway/method, amount in cents, name, listed, message, frequency)
GIFTS = [
    (
        "DEMO-BT-0001",
        "bank_transfer",
        25_000,
        "Marta Kowalczyk",
        True,
        "For the council-budget series. Keep digging.",
        "one_off",
    ),
    (
        "DEMO-CASH-0002",
        "cash",
        4_000,
        "Ilse Brandt",
        True,
        "Handed in at the open newsroom evening.",
        "one_off",
    ),
    (
        "DEMO-CHQ-0003",
        "cheque",
        12_000,
        "Harbour Street Book Club",
        True,
        "From all eleven of us.",
        "one_off",
    ),
    (
        "demo_pi_0004",
        "stripe",
        2_500,
        "Tomás Ferreira",
        True,
        "The ferry timetable story saved my commute.",
        "one_off",
    ),
    ("demo_pi_0005", "stripe", 5_000, "", False, "", "one_off"),
    (
        "demo_pi_0006",
        "stripe",
        10_000,
        "Aiyana Locklear",
        True,
        "Local news matters more than ever.",
        "one_off",
    ),
    ("demo_in_0007", "stripe", 1_000, "Jun Park", True, "A little every month.", "monthly"),
    (
        "demo_pi_0008",
        "stripe",
        3_500,
        "Priya Raman",
        False,
        "Thank you for the school-closures coverage.",
        "one_off",
    ),
    ("demo_pi_0009", "stripe", 7_500, "Oskar Lindqvist", True, "", "one_off"),
    ("demo_pi_0010", "stripe", 6_000, "Noor Haddad", True, "For the reporters who stay late.", "one_off"),
    ("demo_pi_0011", "stripe", 20_000, "Bellweather Bakery", True, "Proud to support our paper.", "one_off"),
    ("demo_in_0012", "stripe", 14_900, "Grace Okafor", True, "Monthly, until the goal is met.", "monthly"),
]


def _campaign(site: Site, today: dt.date) -> Campaign:
    starts_on = today.replace(day=1)
    existing = Campaign.objects.filter(site=site, starts_on=starts_on).first()
    if existing is not None:
        return existing
    return services.campaign_create(
        site=site,
        title="Keep local reporting independent",
        description=(
            "We take no money from the people we report on. Our reporters are paid by readers: "
            "help us reach this month's goal."
        ),
        goal=GOAL,
        currency="USD",
        starts_on=starts_on,
        recurrence=Campaign.Recurrence.MONTHLY,
    )


def _articles() -> list[Page]:
    return list(Page.objects.live().public().filter(depth__gte=4).order_by("-first_published_at")[:3])


def _stripe_gift(
    campaign: Campaign,
    reference: str,
    amount: int,
    name: str,
    listed: bool,
    message: str,
    frequency: str,
    article: Page | None,
) -> None:
    donation, _ = services.donation_start(
        campaign=campaign,
        amount=amount,
        currency=campaign.currency,
        frequency=frequency,
        gateway="stripe",
        name=name,
        listed=listed,
        message=message,
        article=article,
        livemode=False,
    )
    with transaction.atomic():
        donation = services.lock_donation(donation.pk)
        services.contribution_record(
            donation=donation,
            amount=amount,
            external_id=reference,
            payment_reference=reference,
            source="demo (test mode)",
        )


def load(log: Callable[[str], None]) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        log("funding: no default site; skipped")
        return
    campaign = _campaign(site, timezone.localdate())
    articles = _articles()
    added = 0
    for index, (reference, method, amount, name, listed, message, frequency) in enumerate(GIFTS):
        article = articles[index % len(articles)] if articles and index % 2 == 0 else None
        if method == "stripe":
            if LedgerEntry.objects.filter(gateway="stripe", external_id=reference).exists():
                continue
            _stripe_gift(campaign, reference, amount, name, listed, message, frequency, article)
        else:
            if LedgerEntry.objects.filter(gateway="offline", external_id=f"{method}:{reference}").exists():
                continue
            services.offline_gift_record(
                campaign=campaign,
                amount=amount,
                currency=campaign.currency,
                method=method,
                actor=None,
                name=name,
                listed=listed,
                message=message,
                article=article,
                reference=reference,
            )
        added += 1
    monthly = Donation.objects.filter(campaign=campaign, frequency="monthly").count()
    log(f"funding: campaign {campaign.title!r}, {added} demo gifts added ({monthly} monthly)")
