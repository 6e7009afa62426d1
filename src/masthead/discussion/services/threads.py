"""Threads: one per article (created on first use) or per allowed external page URL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.discussion.events import page_changed
from masthead.discussion.models import ClosingRule, Thread, ThreadState


def _closes_at(page: Any) -> datetime | None:
    """Publication time plus the nearest closing rule up the page tree (or the site default)."""
    rule = (
        ClosingRule.objects.filter(page__in=page.get_ancestors(inclusive=True))
        .order_by("-page__depth")
        .values_list("close_after_days", flat=True)
        .first()
    )
    days = settings.DISCUSSION_CLOSE_AFTER_DAYS if rule is None else rule
    if not days:
        return None
    published = page.first_published_at or timezone.now()
    return published + timedelta(days=days)


def thread_for_page(*, page: Any) -> Thread:
    """The page's thread, created on first use (safe when two requests race to create it)."""
    thread = Thread.objects.filter(page_id=page.pk).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(page_id=page.pk, title=page.title[:255], closes_at=_closes_at(page))
    except IntegrityError:
        return Thread.objects.get(page_id=page.pk)


def thread_for_url(*, url: str, title: str = "") -> Thread:
    """The thread of an external page on one of DISCUSSION_EMBED_HOSTS."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.hostname not in settings.DISCUSSION_EMBED_HOSTS:
        raise ValidationError("Discussions can only be embedded on the newsroom's own sites.")
    normalised = parts._replace(fragment="", query="").geturl()
    try:
        with transaction.atomic():
            thread, _ = Thread.objects.get_or_create(url=normalised, defaults={"title": title[:255]})
    except IntegrityError:
        thread = Thread.objects.get(url=normalised)
    return thread


def thread_set_state(*, thread: Thread, state: str, actor: Any, closes_at: datetime | None = None) -> Thread:
    """Open, close or hide a discussion (editors and moderators: staff accounts)."""
    if not (actor.is_authenticated and actor.is_staff):
        raise PermissionDenied("Only the newsroom can close or hide a discussion.")
    if state not in ThreadState.values:
        raise ValidationError(f"Unknown discussion state {state!r}.")
    thread.state = state
    thread.closes_at = closes_at if state == ThreadState.OPEN else thread.closes_at
    thread.save(update_fields=["state", "closes_at"])
    page_changed(thread)
    return thread


def thread_is_open(thread: Thread, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return thread.state == ThreadState.OPEN and (thread.closes_at is None or now < thread.closes_at)
