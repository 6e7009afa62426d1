"""Campaign lifecycle: the current campaign, monthly roll-over by the in-app scheduler, checks, demo."""

import datetime as dt

import pytest
from django.core.management import call_command

from masthead.core import periodic
from masthead.funding import selectors, services
from masthead.funding.checks import stripe_webhook_secret
from masthead.funding.models import Campaign, Donation, FundingEvent, LedgerEntry

pytestmark = pytest.mark.django_db


def monthly(site, starts_on):
    return services.campaign_create(
        site=site,
        title="Reader fund — November 2026",
        goal=300_000,
        currency="EUR",
        starts_on=starts_on,
        recurrence=Campaign.Recurrence.MONTHLY,
    )


def test_a_monthly_campaign_runs_to_the_end_of_its_month(site):
    campaign = monthly(site, dt.date(2026, 11, 1))
    assert campaign.ends_on == dt.date(2026, 12, 1)
    assert selectors.campaign_current(site=site, today=dt.date(2026, 11, 30)) == campaign
    assert selectors.campaign_current(site=site, today=dt.date(2026, 12, 1)) is None


def test_roll_over_starts_next_month_with_the_same_goal_and_is_idempotent(site):
    first = monthly(site, dt.date(2026, 11, 1))
    created = services.campaigns_roll_over(today=dt.date(2026, 12, 1))
    assert len(created) == 1
    december = created[0]
    assert (
        december.title,
        december.goal,
        december.currency,
        december.starts_on,
        december.ends_on,
        december.previous,
    ) == ("Reader fund — December 2026", 300_000, "EUR", dt.date(2026, 12, 1), dt.date(2027, 1, 1), first)
    assert services.campaigns_roll_over(today=dt.date(2026, 12, 2)) == []
    assert selectors.campaign_current(site=site, today=dt.date(2026, 12, 15)) == december
    assert FundingEvent.objects.filter(action="campaign.rolled_over", source="scheduler").count() == 1


def test_roll_over_after_months_of_downtime_catches_up_to_the_current_month(site):
    monthly(site, dt.date(2026, 1, 1))
    (latest,) = services.campaigns_roll_over(today=dt.date(2026, 5, 20))
    assert (latest.starts_on, latest.ends_on) == (dt.date(2026, 5, 1), dt.date(2026, 6, 1))


def test_december_rolls_into_january(site):
    campaign = services.campaign_create(
        site=site,
        title="Fund",
        goal=1_000,
        currency="USD",
        starts_on=dt.date(2026, 12, 1),
        recurrence="monthly",
    )
    (january,) = services.campaigns_roll_over(today=dt.date(2027, 1, 1))
    assert (campaign.ends_on, january.starts_on, january.ends_on, january.title) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
        "Fund — January 2027",
    )


def test_one_period_campaigns_do_not_roll_over(site):
    services.campaign_create(
        site=site,
        title="Appeal",
        goal=1_000,
        currency="USD",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 1),
    )
    assert services.campaigns_roll_over(today=dt.date(2026, 3, 1)) == []


def test_roll_over_is_a_registered_periodic_job():
    assert "funding.campaigns_roll_over" in {job.name for job in periodic.jobs()}


@pytest.mark.parametrize(
    ("goal", "currency", "ends"), [(0, "USD", None), (100, "XYZ", None), (100, "USD", dt.date(2026, 1, 1))]
)
def test_bad_campaigns_are_refused(site, goal, currency, ends):
    with pytest.raises(services.FundingError):
        services.campaign_create(
            site=site, title="x", goal=goal, currency=currency, starts_on=dt.date(2026, 1, 1), ends_on=ends
        )
    assert Campaign.objects.count() == 0


def test_refunds_count_against_the_campaign_that_received_the_gift(site):
    from django.db import transaction

    november = monthly(site, dt.date(2026, 11, 1))
    donation, _ = services.donation_start(
        campaign=november, amount=5_000, currency="EUR", frequency="one_off", gateway="stripe"
    )
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.contribution_record(
            donation=locked, amount=5_000, external_id="pi_nov", payment_reference="pi_nov"
        )
    (december,) = services.campaigns_roll_over(today=dt.date(2026, 12, 1))
    with transaction.atomic():
        locked = services.lock_donation(donation.pk)
        services.refund_reconcile(
            donation=locked, payment_reference="pi_nov", refunded_total=2_000, external_id="r"
        )
    assert selectors.campaign_totals_uncached(campaign=november).raised == 3_000
    assert selectors.campaign_totals_uncached(campaign=december).raised == 0


def test_check_e001_when_stripe_has_no_webhook_secret(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_abc"
    settings.STRIPE_WEBHOOK_SECRET = ""
    (error,) = stripe_webhook_secret()
    assert error.id == "funding.E001"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_abc"
    assert stripe_webhook_secret() == []
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert stripe_webhook_secret() == []


def test_demo_builds_the_seeds_bar_and_is_idempotent(site):
    from masthead.funding.demo import load

    lines = []
    load(lines.append)
    load(lines.append)
    campaign = Campaign.objects.get()
    progress = selectors.campaign_progress(campaign=campaign, fmt=selectors.amount_format(site=site))
    assert progress.labels == ("0 $", "2,350 $", "4,700 $")
    assert progress.raised_label == "1,114 $"
    assert LedgerEntry.objects.count() == 12
    assert Donation.objects.filter(gateway="offline").count() == 3
    assert Donation.objects.filter(livemode=True).count() == 0
    assert lines[-1].startswith("funding: campaign") and "0 demo gifts added" in lines[-1]


def test_check_command_is_clean_with_the_test_settings():
    call_command("check", "--fail-level", "ERROR")
