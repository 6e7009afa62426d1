from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from masthead.moderation import registry
from masthead.moderation.models import Report
from masthead.moderation.services.audit import audit_record
from masthead.moderation.services.screening import standing_record

_NEEDS_REASON = {"reject", "remove"}
_UPHOLDS_REPORTS = {"reject", "remove", "hide"}
_DISMISSES_REPORTS = {"approve", "restore"}


def item_get(*, key: str, object_id: int) -> tuple[registry.ModeratedType, Any]:
    """The adapter and object for a queue entry; LookupError when either does not exist."""
    adapter = registry.get(key)
    obj = adapter.queryset().filter(pk=object_id).first()
    if obj is None:
        raise LookupError(f"No {adapter.label} {object_id}")
    return adapter, obj


def reports_resolve(*, obj: Any, upheld: bool, actor: Any) -> int:
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        resolution=Report.Resolution.OPEN,
    ).update(
        resolution=Report.Resolution.UPHELD if upheld else Report.Resolution.DISMISSED,
        resolved_by=actor if getattr(actor, "pk", None) else None,
        resolved_at=timezone.now(),
    )


def item_decide(
    *, key: str, object_id: int, decision: str, actor: Any, reason: str = "", text: str = "", rule: str = ""
) -> registry.Item:
    """Apply a moderator's (or, with ``rule``, an automatic) decision to one item.

    Rejecting or removing needs a reason: the author is shown it. Approving or rejecting a
    held item counts in its author's standing; open reports are resolved by the decision.
    """
    if decision not in registry.DECISIONS:
        raise ValueError(f"Unknown decision {decision!r}")
    reason = reason.strip()
    if decision in _NEEDS_REASON and not reason:
        raise ValueError("Say why: the author is shown the reason.")
    if decision == "edit" and not text.strip():
        raise ValueError("An edited comment cannot be empty.")
    with transaction.atomic():
        adapter, obj = item_get(key=key, object_id=object_id)
        before = adapter.state_of(obj)
        adapter.apply(obj=obj, decision=decision, actor=actor, reason=reason, text=text)
        obj.refresh_from_db()
        item = adapter.describe(obj)
        if item.author is not None and before == "pending" and item.state in {"approved", "rejected"}:
            standing_record(user=item.author, approved=item.state == "approved")
        elif item.author is not None and before == "approved" and decision in {"reject", "remove"}:
            standing_record(user=item.author, approved=False)
        if decision in _UPHOLDS_REPORTS or decision in _DISMISSES_REPORTS:
            reports_resolve(obj=obj, upheld=decision in _UPHOLDS_REPORTS, actor=actor)
        audit_record(
            action=f"item_{decision}",
            actor=actor,
            rule=rule,
            target=obj,
            subject=item.author,
            reason=reason,
            data={"from": before, "to": item.state, **({"text": text} if decision == "edit" else {})},
        )
    return item


def items_decide_bulk(
    *, key: str, object_ids: list[int], decision: str, actor: Any, reason: str = ""
) -> tuple[int, list[str]]:
    """Apply one decision to many items; each succeeds or fails on its own. (done, errors)."""
    if decision == "edit":
        raise ValueError("Edit one comment at a time.")
    done, errors = 0, []
    for object_id in object_ids:
        try:
            item_decide(key=key, object_id=object_id, decision=decision, actor=actor, reason=reason)
        except (LookupError, ValueError) as error:
            errors.append(f"{object_id}: {error}")
        else:
            done += 1
    return done, errors
