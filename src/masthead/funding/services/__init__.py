"""State changes to campaigns, donations and the ledger. Every money change writes an event.

Money rules live here and nowhere else: amounts are positive integers in minor units, capped
by ``FUNDING_MAX_AMOUNT``, in the campaign's currency; ledger entries are only ever added,
each provider movement at most once (a unique constraint backs that up under concurrency).
Split by topic; import from ``masthead.funding.services``.
"""

from masthead.funding.services.campaigns import campaign_create, campaign_updated, campaigns_roll_over
from masthead.funding.services.common import FundingError, clean_text, event_record, validate_amount
from masthead.funding.services.donations import (
    donation_cancel,
    donation_set_status,
    donation_start,
    donation_update_from_provider,
    lock_donation,
)
from masthead.funding.services.ledger import (
    contribution_record,
    dispute_reconcile,
    fee_record,
    ledger_record,
    offline_gift_record,
    offline_refund_record,
    refund_reconcile,
)

__all__ = [
    "FundingError",
    "campaign_create",
    "campaign_updated",
    "campaigns_roll_over",
    "clean_text",
    "contribution_record",
    "dispute_reconcile",
    "donation_cancel",
    "donation_set_status",
    "donation_start",
    "donation_update_from_provider",
    "event_record",
    "fee_record",
    "ledger_record",
    "lock_donation",
    "offline_gift_record",
    "offline_refund_record",
    "refund_reconcile",
    "validate_amount",
]
