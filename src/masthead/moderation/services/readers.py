"""A reader's own data: download everything they wrote, or delete their account."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from masthead.moderation import registry
from masthead.moderation.models import Appeal, AuditEvent, Report, Sanction
from masthead.moderation.services.audit import audit_record


def reader_data_export(*, user: Any) -> dict[str, Any]:
    """Everything ``user`` wrote or that moderation keeps about them, as JSON-ready data."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
    }
    for adapter in registry.all_types():
        objects = adapter.queryset().filter(**{adapter.author_field: user}).order_by(adapter.created_field)
        data[adapter.key + "s"] = [adapter.export(obj) for obj in objects]
    data["reports_filed"] = [
        {
            "item": f"{r.content_type.model}:{r.object_id}",
            "reason": r.reason,
            "text": r.text,
            "created_at": r.created_at.isoformat(),
            "resolution": r.resolution,
        }
        for r in Report.objects.filter(reporter=user).select_related("content_type")
    ]
    data["appeals"] = [
        {
            "item": f"{a.content_type.model}:{a.object_id}",
            "text": a.text,
            "decision": a.decision,
            "reply": a.reply,
            "created_at": a.created_at.isoformat(),
        }
        for a in Appeal.objects.filter(author=user).select_related("content_type")
    ]
    data["sanctions"] = [
        {
            "kind": s.kind,
            "reason": s.reason,
            "created_at": s.created_at.isoformat(),
            "ends_at": s.ends_at.isoformat() if s.ends_at else None,
            "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
        }
        for s in Sanction.objects.filter(user=user).exclude(kind=Sanction.Kind.SHADOW_BAN)
    ]
    return data


def account_delete(*, user: Any) -> dict[str, int]:
    """Delete ``user``'s account. What they wrote becomes a tombstone where others replied
    to it and disappears otherwise (each content app's adapter decides); the audit trail
    keeps its rows with the reader's email replaced by an anonymous label.
    """
    if user.is_staff or user.is_superuser:
        raise ValueError("Staff accounts are deleted by an administrator.")
    label = f"deleted reader #{user.pk}"
    counts: dict[str, int] = {}
    with transaction.atomic():
        for adapter in registry.all_types():
            counts[adapter.key] = adapter.erase_author(user=user)
        AuditEvent.objects.filter(actor=user).update(actor_label=label)
        AuditEvent.objects.filter(subject=user).update(subject_label=label)
        audit_record(action="account_deleted", rule="reader_request", reason=label, data=counts)
        user.delete()
    return counts
