from __future__ import annotations

from typing import Any

from django.db import transaction

from masthead.funding import services
from masthead.funding.models import Campaign, Donation, LedgerEntry


def pending_donation(
    campaign: Campaign, *, amount: int = 2_500, frequency: str = "one_off", **extra: Any
) -> Donation:
    fields: dict[str, Any] = {
        "name": "Wren Alder",
        "email": "wren@example.org",
        "listed": True,
        "message": "",
    }
    fields.update(extra)
    donation, _ = services.donation_start(
        campaign=campaign,
        amount=amount,
        currency=campaign.currency,
        frequency=frequency,
        gateway="stripe",
        **fields,
    )
    return donation


def paid_donation(
    campaign: Campaign, *, amount: int = 2_500, payment_intent: str = "pi_paid_1", **extra: Any
) -> tuple[Donation, LedgerEntry]:
    donation = pending_donation(campaign, amount=amount, **extra)
    with transaction.atomic():
        donation = services.lock_donation(donation.pk)
        entry = services.contribution_record(
            donation=donation, amount=amount, external_id=payment_intent, payment_reference=payment_intent
        )
    assert entry is not None
    donation.refresh_from_db()
    return donation, entry


def offline_gift(
    campaign: Campaign, *, amount: int = 10_000, reference: str = "", actor: Any = None, **extra: Any
) -> tuple[Donation, LedgerEntry]:
    return services.offline_gift_record(
        campaign=campaign,
        amount=amount,
        currency=campaign.currency,
        method="bank_transfer",
        actor=actor,
        reference=reference,
        **extra,
    )
