"""System checks for moderation's settings (ids ``moderation.E00N``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from masthead.moderation.models import ModerationMode


@register()
def check_moderation_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.MODERATION_MODE not in ModerationMode.values:
        errors.append(
            Error(
                f"MODERATION_MODE is {settings.MODERATION_MODE!r}",
                hint=f"Use one of {', '.join(ModerationMode.values)}.",
                id="moderation.E001",
            )
        )
    if not 1 <= settings.MODERATION_OFFENSIVE_THRESHOLD <= 100:
        errors.append(
            Error("MODERATION_OFFENSIVE_THRESHOLD must be a percentage (1-100)", id="moderation.E002")
        )
    if not 1 <= settings.MODERATION_REJECTION_RATE <= 100:
        errors.append(Error("MODERATION_REJECTION_RATE must be a percentage (1-100)", id="moderation.E003"))
    return errors
