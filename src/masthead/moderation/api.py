"""Moderation's JSON API (django-ninja), mounted at ``/api/moderation/``.

OpenAPI schema at ``/api/moderation/openapi.json``, docs at ``/api/moderation/docs``. Session
authentication with the CSRF header for writes. Readers report and appeal; moderators list
queues, decide, screen text and read the audit log. Errors are JSON ``{"detail": ...}``
with a 4xx status; rate-limited writes answer 429.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from wagtail.models import Page

from masthead.moderation import auditlog, limits, queues, registry, services

api = NinjaAPI(
    title="Masthead moderation API",
    version="1",
    urls_namespace="moderation_api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=django_auth,
)


class Error(Schema):
    detail: str


class ReportIn(Schema):
    key: str = "comment"
    object_id: int
    reason: str
    text: str = ""


class ReportOut(Schema):
    id: int
    created: bool


class AppealIn(Schema):
    key: str = "comment"
    object_id: int
    text: str


class AppealOut(Schema):
    id: int
    decision: str


class ScreenIn(Schema):
    text: str
    article_id: int | None = None


class ScreenOut(Schema):
    verdict: str
    reasons: list[str]
    codes: list[str]
    score: float | None


class ItemOut(Schema):
    key: str
    object_id: int
    text: str
    author: str | None
    author_id: int | None
    article_id: int | None
    link: str
    created: datetime
    state: str
    featured: bool
    screening_reasons: list[str]
    reports: list[str]
    appeal: str | None
    history: dict[str, int]


class QueueOut(Schema):
    queue: str
    page: int
    has_next: bool
    items: list[ItemOut]


class DecisionIn(Schema):
    key: str = "comment"
    ids: list[int]
    decision: str
    reason: str = ""
    text: str = ""


class DecisionOut(Schema):
    done: int
    errors: list[str]


class AuditEventOut(Schema):
    created_at: datetime
    actor: str
    action: str
    item: str | None
    subject: str
    reason: str


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "You do not have permission to do that.")


def _limit(request: HttpRequest, scope: str) -> None:
    if not limits.allowed(request, scope):
        raise HttpError(429, "Too many requests; try again later.")


@api.post("/reports", response={201: ReportOut, 200: ReportOut, 400: Error, 404: Error, 429: Error})
def report(request: HttpRequest, payload: ReportIn) -> Status:
    """Report a published item (once per reader; a repeat answers 200 with the first report)."""
    _limit(request, "moderation.report")
    try:
        filed, created = services.report_create(
            reporter=request.user,
            key=payload.key,
            object_id=payload.object_id,
            reason=payload.reason,
            text=payload.text,
        )
    except LookupError as error:
        raise HttpError(404, str(error)) from None
    except ValueError as error:
        raise HttpError(400, str(error)) from None
    return Status(201 if created else 200, {"id": filed.pk, "created": created})


@api.post("/appeals", response={201: AppealOut, 400: Error, 403: Error, 404: Error, 429: Error})
def appeal(request: HttpRequest, payload: AppealIn) -> Status:
    """Appeal a decision on your own item, once."""
    _limit(request, "moderation.appeal")
    try:
        filed = services.appeal_create(
            author=request.user, key=payload.key, object_id=payload.object_id, text=payload.text
        )
    except LookupError as error:
        raise HttpError(404, str(error)) from None
    except PermissionError as error:
        raise HttpError(403, str(error)) from None
    except ValueError as error:
        raise HttpError(400, str(error)) from None
    return Status(201, {"id": filed.pk, "decision": filed.decision})


@api.post("/screen", response={200: ScreenOut, 403: Error, 404: Error})
def screen(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    """Screen text as a comment by you would be (for newsroom tools); nothing is saved."""
    _require(request, "moderation.moderate")
    article = None
    if payload.article_id is not None:
        article = Page.objects.filter(pk=payload.article_id).first()
        if article is None:
            raise HttpError(404, "No such article.")
    result = services.screen_text(text=payload.text[:100_000], author=None, article=article, warn=False)
    return {
        "verdict": result.verdict,
        "reasons": result.reasons,
        "codes": result.codes,
        "score": result.score,
    }


def _item_out(entry: queues.QueueEntry) -> dict[str, Any]:
    item = entry.item
    return {
        "key": item.key,
        "object_id": item.object_id,
        "text": item.text,
        "author": item.author.public_name if item.author else None,
        "author_id": item.author.pk if item.author else None,
        "article_id": item.page.pk if item.page else None,
        "link": item.link,
        "created": item.created,
        "state": item.state,
        "featured": item.featured,
        "screening_reasons": entry.screening.reasons if entry.screening else [],
        "reports": [report.reason for report in entry.reports],
        "appeal": entry.appeal.decision if entry.appeal else None,
        "history": entry.history.counts if entry.history else {},
    }


@api.get("/queue", response={200: QueueOut, 400: Error, 403: Error, 404: Error})
def queue(
    request: HttpRequest,
    queue: str = "pending",
    key: str = "comment",
    article: int | None = None,
    section: int | None = None,
    author: str = "",
    reason: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """One page (25 items) of a moderation queue: pending, held, reported, appeals, approved, rejected."""
    _require(request, "moderation.moderate")
    if queue not in queues.QUEUES:
        raise HttpError(400, f"Unknown queue; use one of {', '.join(queues.QUEUES)}.")
    try:
        registry.get(key)
    except LookupError as error:
        raise HttpError(404, str(error)) from None
    filters = queues.QueueFilters(
        article=article,
        section=Page.objects.filter(pk=section).first() if section else None,
        author=author[:254],
        reason=reason[:40],
    )
    entries, has_next = queues.queue_page(
        key=key, queue=queue, filters=filters, page=max(page, 1), request=request
    )
    return {
        "queue": queue,
        "page": max(page, 1),
        "has_next": has_next,
        "items": [_item_out(e) for e in entries],
    }


@api.post("/decisions", response={200: DecisionOut, 400: Error, 403: Error, 404: Error})
def decide(request: HttpRequest, payload: DecisionIn) -> dict[str, Any]:
    """Approve, reject (with a reason), remove, hide, hold, restore, feature or edit items."""
    _require(request, "moderation.moderate")
    if not payload.ids or len(payload.ids) > 200:
        raise HttpError(400, "Give between 1 and 200 ids.")
    try:
        registry.get(payload.key)
    except LookupError as error:
        raise HttpError(404, str(error)) from None
    if payload.decision not in registry.DECISIONS:
        raise HttpError(400, f"Unknown decision; use one of {', '.join(registry.DECISIONS)}.")
    if payload.decision == "edit":
        if len(payload.ids) != 1:
            raise HttpError(400, "Edit one item at a time.")
        try:
            services.item_decide(
                key=payload.key,
                object_id=payload.ids[0],
                decision="edit",
                actor=request.user,
                reason=payload.reason,
                text=payload.text,
            )
        except LookupError as error:
            raise HttpError(404, str(error)) from None
        except ValueError as error:
            raise HttpError(400, str(error)) from None
        return {"done": 1, "errors": []}
    try:
        done, errors = services.items_decide_bulk(
            key=payload.key,
            object_ids=payload.ids,
            decision=payload.decision,
            actor=request.user,
            reason=payload.reason,
        )
    except ValueError as error:
        raise HttpError(400, str(error)) from None
    return {"done": done, "errors": errors}


class AuditFilters(Schema):
    q: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


@api.get("/audit", response={200: list[AuditEventOut], 403: Error})
def audit(request: HttpRequest, filters: Query[AuditFilters]) -> list[dict[str, Any]]:
    """Audit events matching the search, newest first, 100 per page."""
    _require(request, "moderation.view_audit_log")
    events = auditlog.audit_search(
        query=filters.q, action=filters.action, since=filters.since, until=filters.until
    )
    start = (max(filters.page, 1) - 1) * 100
    return [
        {
            "created_at": event.created_at,
            "actor": event.actor_label,
            "action": event.action,
            "item": f"{event.content_type.model}:{event.object_id}"
            if event.content_type is not None
            else None,
            "subject": event.subject_label,
            "reason": event.reason,
        }
        for event in events[start : start + 100]
    ]


@api.get("/me/data", response={200: dict, 429: Error})
def my_data(request: HttpRequest) -> dict[str, Any]:
    """Everything you wrote and what moderation keeps about you (the same as the JSON download)."""
    _limit(request, "moderation.export")
    return services.reader_data_export(user=request.user)
