from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.moderation import registry
from masthead.moderation.models import Appeal, Report
from masthead.moderation.services.audit import audit_record
from masthead.moderation.services.decisions import item_decide, item_get

_APPEALABLE = {"rejected", "removed", "hidden"}


def report_create(
    *, reporter: Any, key: str, object_id: int, reason: str, text: str = ""
) -> tuple[Report, bool]:
    """File ``reporter``'s report on an item, once per reader (a repeat returns the first).

    When open reports reach ``MODERATION_REPORTS_TO_HOLD`` a published item is held for review.
    """
    if reason not in Report.Reason.values:
        raise ValueError("Choose a reason for the report.")
    text = text.strip()
    if reason == Report.Reason.OTHER and not text:
        raise ValueError("Tell us what is wrong with it.")
    if len(text) > 1000:
        raise ValueError("A report can be at most 1000 characters.")
    adapter, obj = item_get(key=key, object_id=object_id)
    item = adapter.describe(obj)
    if item.state != "approved":
        raise ValueError("Only published comments can be reported.")
    if item.author is not None and item.author.pk == reporter.pk:
        raise ValueError("You cannot report your own comment.")
    content_type = ContentType.objects.get_for_model(obj)
    existing = Report.objects.filter(content_type=content_type, object_id=obj.pk, reporter=reporter).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                content_type=content_type, object_id=obj.pk, reporter=reporter, reason=reason, text=text
            )
            audit_record(
                action="report_filed", actor=reporter, target=obj, subject=item.author, reason=reason
            )
            open_reports = Report.objects.filter(
                content_type=content_type, object_id=obj.pk, resolution=Report.Resolution.OPEN
            ).count()
            if open_reports >= settings.MODERATION_REPORTS_TO_HOLD:
                item_decide(
                    key=key,
                    object_id=obj.pk,
                    decision="hold",
                    actor=None,
                    rule="reports_threshold",
                    reason=f"{open_reports} readers reported it",
                )
    except IntegrityError:
        # A double-clicked form: the other request filed it.
        return Report.objects.get(content_type=content_type, object_id=obj.pk, reporter=reporter), False
    return report, True


def appeal_create(*, author: Any, key: str, object_id: int, text: str) -> Appeal:
    """The author's one appeal against a decision on their item; it joins the appeals queue."""
    text = text.strip()
    if not text:
        raise ValueError("Say why the decision should be reconsidered.")
    if len(text) > 2000:
        raise ValueError("An appeal can be at most 2000 characters.")
    adapter, obj = item_get(key=key, object_id=object_id)
    item = adapter.describe(obj)
    if item.author is None or item.author.pk != author.pk:
        raise PermissionError("Only the author can appeal.")
    if item.state not in _APPEALABLE:
        raise ValueError("Only a rejected, removed or hidden comment can be appealed.")
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                content_type=content_type, object_id=obj.pk, author=author, text=text
            )
            audit_record(action="appeal_filed", actor=author, target=obj, subject=author, reason=text)
    except IntegrityError:
        raise ValueError("This decision has already been appealed.") from None
    return appeal


def appeal_decide(*, appeal: Appeal, actor: Any, grant: bool, reply: str = "") -> Appeal:
    """Grant (restore the item) or deny an appeal, once."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.decision != Appeal.Decision.PENDING:
            raise ValueError("This appeal has already been decided.")
        obj = appeal.content_type.get_object_for_this_type(pk=appeal.object_id)
        if grant:
            item_decide(
                key=registry.for_model(type(obj)).key,  # type: ignore[union-attr]
                object_id=obj.pk,
                decision="restore",
                actor=actor,
                reason="Appeal granted",
            )
        appeal.decision = Appeal.Decision.GRANTED if grant else Appeal.Decision.DENIED
        appeal.reply, appeal.decided_by, appeal.decided_at = reply.strip(), actor, timezone.now()
        appeal.save(update_fields=["decision", "reply", "decided_by", "decided_at"])
        audit_record(
            action=f"appeal_{appeal.decision}",
            actor=actor,
            target=obj,
            subject=appeal.author,
            reason=appeal.reply,
        )
    return appeal
