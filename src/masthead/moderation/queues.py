"""Selectors for the moderators' workspace: queues, one item's file, an author's history.

Every list page costs a fixed number of queries whatever its length: the page of items,
then one query each for their screenings, reports, appeals and their authors' histories.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from masthead.moderation import registry
from masthead.moderation.models import Appeal, AuditEvent, Report, Sanction, ScreeningRecord, Standing

QUEUES = {
    "pending": "Pending",
    "held": "Held by screening",
    "reported": "Reported",
    "appeals": "Appeals",
    "approved": "Approved",
    "rejected": "Rejected",
}
PAGE_SIZE = 25


@dataclass
class AuthorHistory:
    counts: dict[str, int] = field(default_factory=dict)
    recent: str = ""
    rejections: list[str] = field(default_factory=list)
    sanctions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QueueEntry:
    item: registry.Item
    screening: ScreeningRecord | None = None
    reports: list[Report] = field(default_factory=list)
    appeal: Appeal | None = None
    history: AuthorHistory | None = None


@dataclass(frozen=True)
class QueueFilters:
    article: int | None = None
    section: Any = None  # a Wagtail page
    author: str = ""
    reason: str = ""


def _states(adapter: registry.ModeratedType, *names: str) -> list[str]:
    return [value for name in names for value in adapter.states.get(name, ())]


def queue_queryset(*, adapter: registry.ModeratedType, queue: str, filters: QueueFilters) -> QuerySet:
    """The items in ``queue``, filtered, oldest first for work queues and newest first otherwise."""
    content_type = ContentType.objects.get_for_model(adapter.model)
    qs = adapter.queryset()
    status = adapter.status_field
    if queue == "pending":
        qs = qs.filter(**{f"{status}__in": _states(adapter, "pending")})
    elif queue == "held":
        held = ScreeningRecord.objects.filter(content_type=content_type, verdict="hold").values("object_id")
        qs = qs.filter(**{f"{status}__in": _states(adapter, "pending")}, pk__in=held)
    elif queue == "reported":
        reported = Report.objects.filter(content_type=content_type, resolution=Report.Resolution.OPEN)
        qs = qs.filter(pk__in=reported.values("object_id"))
    elif queue == "appeals":
        appealed = Appeal.objects.filter(content_type=content_type, decision=Appeal.Decision.PENDING)
        qs = qs.filter(pk__in=appealed.values("object_id"))
    elif queue == "approved":
        qs = qs.filter(**{f"{status}__in": _states(adapter, "approved")})
    elif queue == "rejected":
        qs = qs.filter(**{f"{status}__in": _states(adapter, "rejected", "removed", "hidden")})
    else:
        raise ValueError(f"Unknown queue {queue!r}")
    if filters.article:
        qs = qs.filter(**{f"{adapter.page_field}_id": filters.article})
    if filters.section is not None:
        qs = qs.filter(**{f"{adapter.page_field}__path__startswith": filters.section.path})
    if filters.author:
        qs = qs.filter(**{f"{adapter.author_field}__email__icontains": filters.author.strip()})
    if filters.reason:
        with_reason = ScreeningRecord.objects.filter(
            content_type=content_type, rules__contains=f",{filters.reason},"
        ).values("object_id")
        qs = qs.filter(pk__in=with_reason)
    newest_first = queue in {"approved", "rejected"}
    order = f"-{adapter.created_field}" if newest_first else adapter.created_field
    return qs.order_by(order, "-pk" if newest_first else "pk")


def queue_page(
    *,
    key: str,
    queue: str,
    filters: QueueFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    request: Any = None,
) -> tuple[list[QueueEntry], bool]:
    """One page of a queue with each item's screening, reports, appeal and author history.

    Returns (entries, has_next_page).
    """
    adapter = registry.get(key)
    start = (max(page, 1) - 1) * page_size
    objects = list(
        queue_queryset(adapter=adapter, queue=queue, filters=filters)[start : start + page_size + 1]
    )
    has_next = len(objects) > page_size
    entries = [QueueEntry(item=adapter.describe(obj, request)) for obj in objects[:page_size]]
    enrich(adapter=adapter, entries=entries)
    return entries, has_next


def enrich(*, adapter: registry.ModeratedType, entries: list[QueueEntry]) -> None:
    if not entries:
        return
    content_type = ContentType.objects.get_for_model(adapter.model)
    ids = [entry.item.object_id for entry in entries]
    screenings: dict[int, ScreeningRecord] = {}
    for record in ScreeningRecord.objects.filter(content_type=content_type, object_id__in=ids).order_by(
        "created_at"
    ):
        screenings[record.object_id] = record  # the latest wins
    reports: dict[int, list[Report]] = defaultdict(list)
    for report in Report.objects.filter(
        content_type=content_type, object_id__in=ids, resolution=Report.Resolution.OPEN
    ).select_related("reporter"):
        reports[report.object_id].append(report)
    appeals = {
        appeal.object_id: appeal
        for appeal in Appeal.objects.filter(content_type=content_type, object_id__in=ids)
    }
    authors = {entry.item.author.pk: entry.item.author for entry in entries if entry.item.author is not None}
    histories = author_histories(adapter=adapter, user_ids=list(authors))
    for entry in entries:
        object_id = entry.item.object_id
        entry.screening = screenings.get(object_id)
        entry.reports = reports.get(object_id, [])
        entry.appeal = appeals.get(object_id)
        if entry.item.author is not None:
            entry.history = histories.get(int(entry.item.author.pk))


def author_histories(*, adapter: registry.ModeratedType, user_ids: list[int]) -> dict[int, AuthorHistory]:
    """Per author: item counts by state, recent outcomes, last rejection reasons, active sanctions."""
    histories = {user_id: AuthorHistory() for user_id in user_ids}
    if not user_ids:
        return histories
    author_id = f"{adapter.author_field}_id"
    rows = (
        adapter.model._default_manager.filter(**{f"{author_id}__in": user_ids})
        .values(author_id, adapter.status_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        state = next(
            (name for name, values in adapter.states.items() if row[adapter.status_field] in values),
            row[adapter.status_field],
        )
        counts = histories[row[author_id]].counts
        counts[state] = counts.get(state, 0) + row["n"]
    for standing in Standing.objects.filter(user_id__in=user_ids):
        histories[standing.user_id].recent = standing.recent
    # Each author's three latest rejections, in one query whatever the number of authors.
    rejections = (
        AuditEvent.objects.filter(
            subject_id__in=user_ids,
            action__in=["item_reject", "item_remove", "item_hide"],
            actor__isnull=False,
        )
        .annotate(rank=Window(RowNumber(), partition_by=F("subject_id"), order_by=F("created_at").desc()))
        .filter(rank__lte=3)
        .order_by("subject_id", "rank")
        .values_list("subject_id", "reason")
    )
    for subject_id, reason in rejections:
        histories[subject_id].rejections.append(reason)
    for sanction in Sanction.objects.active().filter(user_id__in=user_ids):
        histories[sanction.user_id].sanctions.append(sanction.get_kind_display())
    return histories


def item_file(*, key: str, object_id: int, request: Any = None) -> dict[str, Any]:
    """Everything about one item: its description, screenings, reports, appeal and audit trail."""
    adapter = registry.get(key)
    obj = adapter.queryset().filter(pk=object_id).first()
    if obj is None:
        raise LookupError(f"No {adapter.label} {object_id}")
    content_type = ContentType.objects.get_for_model(obj)
    entry = QueueEntry(item=adapter.describe(obj, request))
    enrich(adapter=adapter, entries=[entry])
    target = {"content_type": content_type, "object_id": obj.pk}
    return {
        "entry": entry,
        "screenings": list(ScreeningRecord.objects.filter(**target)),
        "reports": list(Report.objects.filter(**target).select_related("reporter")),
        "events": list(AuditEvent.objects.filter(**target)),
    }
