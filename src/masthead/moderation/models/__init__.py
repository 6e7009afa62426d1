"""Moderation's records: word lists, screenings, reports, appeals, sanctions and the audit log."""

from masthead.moderation.models.audit import AuditEvent
from masthead.moderation.models.lists import BannedDomain, Phrase
from masthead.moderation.models.reports import Appeal, Report
from masthead.moderation.models.sanctions import Sanction, Standing
from masthead.moderation.models.screening import ModerationMode, ModerationSetting, ScreeningRecord

__all__ = [
    "Appeal",
    "AuditEvent",
    "BannedDomain",
    "ModerationMode",
    "ModerationSetting",
    "Phrase",
    "Report",
    "Sanction",
    "ScreeningRecord",
    "Standing",
]
