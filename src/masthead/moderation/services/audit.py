from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from masthead.moderation.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor: Any = None,
    rule: str = "",
    target: models.Model | None = None,
    subject: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``actor`` is the person acting; ``rule`` names an automatic one."""
    if actor is not None and getattr(actor, "pk", None):
        actor_label = actor.email
    else:
        actor, actor_label = None, f"rule:{rule or 'system'}"
    subject = subject if subject is not None and getattr(subject, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        subject=subject,
        subject_label=subject.email if subject is not None else "",
        reason=reason[:2000],
        data=data or {},
    )
