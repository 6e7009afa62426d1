"""Selectors for the audit log: search and CSV export share one filter."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from masthead.moderation.models import AuditEvent

CSV_COLUMNS = ["when", "who", "action", "item", "subject", "reason", "data"]


def audit_search(
    *, query: str = "", action: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Events matching ``query`` (in who, subject, action or reason) and the other filters, newest first."""
    events = AuditEvent.objects.select_related("content_type")
    for word in query.split()[:8]:
        events = events.filter(
            Q(actor_label__icontains=word)
            | Q(subject_label__icontains=word)
            | Q(action__icontains=word)
            | Q(reason__icontains=word)
        )
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        events = events.filter(created_at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return events.order_by("-created_at", "-id")


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: quote it.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def audit_csv(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """CSV lines for ``events``, streamed in chunks so a long log never sits in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=1000):
        item = f"{event.content_type.model}:{event.object_id}" if event.content_type is not None else ""
        row = [
            event.created_at.isoformat(),
            event.actor_label,
            event.action,
            item,
            event.subject_label,
            event.reason,
            "" if not event.data else str(event.data),
        ]
        yield writer.writerow([_cell(str(cell)) for cell in row])
