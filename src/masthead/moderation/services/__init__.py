"""Moderation services.

Two seams other apps call (moderation never imports them back):
- ``screen_text`` before new or edited text is saved: the verdict decides its first status;
- ``screening_recorded`` after the screened object is saved, in the same transaction, so
  moderation can keep the reasons, queue entry and audit event for that object.
"""

from masthead.moderation.services.audit import audit_record
from masthead.moderation.services.decisions import item_decide, item_get, items_decide_bulk, reports_resolve
from masthead.moderation.services.lists import phrase_add, phrase_remove, phrases_add_many
from masthead.moderation.services.readers import account_delete, reader_data_export
from masthead.moderation.services.reports import appeal_create, appeal_decide, report_create
from masthead.moderation.services.sanctions import (
    discussion_close,
    domain_ban,
    domain_unban,
    moderation_mode_set,
    sanction_apply,
    sanction_revoke,
)
from masthead.moderation.services.screening import (
    PIPELINE,
    ScreeningResult,
    Verdict,
    screen_text,
    screening_recorded,
    screening_writes,
    standing_record,
)

__all__ = [
    "PIPELINE",
    "ScreeningResult",
    "Verdict",
    "account_delete",
    "appeal_create",
    "appeal_decide",
    "audit_record",
    "discussion_close",
    "domain_ban",
    "domain_unban",
    "item_decide",
    "item_get",
    "items_decide_bulk",
    "moderation_mode_set",
    "phrase_add",
    "phrase_remove",
    "phrases_add_many",
    "reader_data_export",
    "report_create",
    "reports_resolve",
    "sanction_apply",
    "sanction_revoke",
    "screen_text",
    "screening_recorded",
    "screening_writes",
    "standing_record",
]
