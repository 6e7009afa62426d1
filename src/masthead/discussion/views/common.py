"""What the reading and writing views share: the thread and comment a URL names, messages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from masthead.core import rows
from masthead.discussion import selectors
from masthead.discussion.models import Comment, Thread, ThreadState
from masthead.discussion.rendering import normalise_source
from masthead.moderation.selectors import StandingRead, standing_question

_THREAD_FIELDS = [field.attname for field in Thread._meta.concrete_fields]


def thread_or_404(thread_id: int, user: Any, *, writing: bool = False) -> Thread:
    """The thread, 404 when it does not exist or is hidden from ``user``.

    Its article loads when first used: an anonymous reader's page usually comes from the
    cache and needs none of it. ``writing``: for a write that answers without the article's
    URL, the article's id and tree path (what screening and purging read) come with it.
    """
    related = ("page", ("id", "path")) if writing else None
    thread = rows.first(Thread, fields=_THREAD_FIELDS, where=("id",), params=[thread_id], related=related)
    if thread is None:
        raise Http404
    if thread.state == ThreadState.HIDDEN and not (user.is_authenticated and user.is_staff):
        raise Http404
    return thread


def thread_for_posting(thread_id: int, user: Any, body: str) -> tuple[Thread, StandingRead | None]:
    """``thread_or_404(writing=True)`` for a signed-in reader about to post ``body``, and in the
    same query what screening reads of them next (their standing, whether they posted this
    text lately): one round trip instead of two. The read is None for a guest."""
    if not user.is_authenticated:
        return thread_or_404(thread_id, user, writing=True), None
    question = standing_question(user, text=normalise_source(body))
    thread = rows.first(
        Thread,
        fields=_THREAD_FIELDS,
        where=("id",),
        params=[thread_id],
        related=("page", ("id", "path")),
        **question.clauses(),
    )
    if thread is None or (thread.state == ThreadState.HIDDEN and not user.is_staff):
        raise Http404
    return thread, question.answer(thread)


def comment_or_404(request: HttpRequest, comment_id: int) -> Comment:
    try:
        return selectors.access_comment(user=request.user, comment_id=comment_id)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc


def article_url(thread: Thread) -> str:
    if thread.page is not None:
        return thread.page.url or ""
    return thread.url or ""


def message_page(
    request: HttpRequest, heading: str, message: str, status: int, back_url: str = ""
) -> HttpResponse:
    context = {"heading": heading, "message": message, "back_url": back_url}
    return render(request, "discussion/message.html", context, status=status)
