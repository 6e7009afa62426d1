"""Totals stay right when webhooks and gifts arrive at the same moment (real PostgreSQL, threads)."""

import json
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from masthead.funding import selectors
from masthead.funding.models import LedgerEntry, WebhookEvent
from tests.funding.conftest import charge, checkout_session, event, sign
from tests.funding.factories import offline_gift, pending_donation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_settings"),
]


def run_together(calls):
    """Run each call in its own thread (its own database connection), released at once."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def deliver(payload):
    body = json.dumps(payload)
    return lambda: (
        Client()
        .post(
            "/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
        )
        .status_code
    )


def test_parallel_webhooks_and_offline_gifts_add_up(campaign, editor):
    donations = [pending_donation(campaign, amount=1_000 + n) for n in range(8)]
    calls = [
        deliver(event("checkout.session.completed", checkout_session(d, payment_intent=f"pi_par_{n}")))
        for n, d in enumerate(donations)
    ]
    calls += [lambda n=n: offline_gift(campaign, amount=500 + n, actor=editor) and 200 for n in range(4)]
    statuses = run_together(calls)
    assert statuses == [200] * 12
    expected = sum(1_000 + n for n in range(8)) + sum(500 + n for n in range(4))
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == expected
    assert selectors.campaign_totals(campaign=campaign).raised == expected
    assert LedgerEntry.objects.count() == 12


def test_the_same_event_delivered_many_times_at_once_is_applied_once(campaign):
    donation = pending_donation(campaign, amount=2_500)
    payload = event(
        "checkout.session.completed", checkout_session(donation, payment_intent="pi_dup"), event_id="evt_dup"
    )
    statuses = run_together([deliver(payload) for _ in range(6)])
    assert statuses == [200] * 6
    assert (LedgerEntry.objects.count(), WebhookEvent.objects.count()) == (1, 1)
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == 2_500


def test_one_payment_under_different_event_ids_at_once_is_counted_once(campaign):
    donation = pending_donation(campaign, amount=2_500)
    session = checkout_session(donation, payment_intent="pi_same")
    statuses = run_together([deliver(event("checkout.session.completed", session)) for _ in range(6)])
    assert statuses == [200] * 6
    assert WebhookEvent.objects.count() == 6
    assert LedgerEntry.objects.filter(kind="contribution").count() == 1
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == 2_500


def test_refund_states_racing_each_other_end_at_the_largest(campaign):
    donation = pending_donation(campaign, amount=10_000)
    deliver(event("checkout.session.completed", checkout_session(donation, payment_intent="pi_race")))()
    states = [1_000, 2_500, 4_000, 2_500, 1_000, 4_000]
    statuses = run_together(
        [deliver(event("charge.refunded", charge("pi_race", amount=10_000, refunded=s))) for s in states]
    )
    assert Counter(statuses) == Counter({200: 6})
    assert sum(LedgerEntry.objects.filter(kind="refund").values_list("amount", flat=True)) == -4_000
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == 6_000
