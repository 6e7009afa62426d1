"""Moderation services.

Two seams other apps call (moderation never imports them back):
- ``screen_text`` before new or edited text is saved: the verdict decides its first status;
- ``screening_recorded`` after the screened object is saved, in the same transaction, so
  moderation can keep the reasons, queue entry and audit event for that object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models

Verdict = Literal["publish", "hold", "reject"]


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)


def screen_text(*, text: str, author: Any = None, article: Any = None) -> ScreeningResult:
    """Screen ``text`` before it is published (the full pipeline lives in the moderation app)."""
    if not text.strip():
        return ScreeningResult("reject", ["empty"])
    return ScreeningResult("publish", [])


def screening_recorded(*, target: models.Model, result: ScreeningResult, author: Any = None) -> None:
    """Record the screening of a saved object (reasons, queue entry, audit event).

    Call inside the transaction that saved ``target``.
    """
    return None
