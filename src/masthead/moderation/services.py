"""Moderation services. ``screen_text`` is the one hook point every new or edited text passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["publish", "hold", "reject"]


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)


def screen_text(*, text: str, author: Any = None, article: Any = None) -> ScreeningResult:
    """Screen ``text`` before it is published. The full pipeline is built in the moderation app."""
    if not text.strip():
        return ScreeningResult("reject", ["empty"])
    return ScreeningResult("publish", [])
