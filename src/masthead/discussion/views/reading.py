"""Reading views: a thread's pages, replies, permalinks, the sort choice, live updates."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from masthead.discussion import events, live, presentation, selectors, slots
from masthead.discussion.models import Thread, ThreadState
from masthead.discussion.views.common import article_url, comment_or_404, thread_or_404

SORT_COOKIE_AGE = 60 * 60 * 24 * 365


def _shared_block(
    request: HttpRequest, thread: Thread, listing: Callable[[], selectors.ThreadPage]
) -> HttpResponse:
    """A paging view's page (a page deep in a huge thread, a popular comment's "more
    replies"): for anonymous readers its block is shared like the article's first page
    (``slots.shared_block``). ``listing`` may raise ``Http404`` or ``InvalidCursor``;
    neither is cached."""
    shared = not request.user.is_authenticated
    # A shared block names only the parameters that shape it, so made-up ones neither fill
    # the cache nor end up in links other readers get.
    back_url = _paging_path(request) if shared else request.get_full_path()

    def render_block() -> str:
        return presentation.render_block(
            request, thread=thread, back_url=back_url, listing=listing(), standalone=True
        )

    if not shared:
        return _thread_response(request, thread, render_block())
    name = f"paging:{thread.pk}:{presentation.sort_from(request)}:{request.get_host()}:{back_url}"
    return _thread_response(
        request, thread, slots.shared_block(name, events.thread_scope(thread), render_block)
    )


_PAGING_PARAMETERS = ("sort", "cursor", "after", "comment", "fragment")


def _paging_path(request: HttpRequest) -> str:
    query = urlencode([(name, request.GET[name]) for name in _PAGING_PARAMETERS if name in request.GET])
    return f"{request.path}?{query}" if query else request.path


def _thread_response(request: HttpRequest, thread: Thread, block: str, status: int = 200) -> HttpResponse:
    if request.GET.get("fragment") == "1":
        # For the JS "load in place": only the comments and the next link.
        return HttpResponse(block, status=status)
    context = {"thread": thread, "block_html": block, "article_url": article_url(thread)}
    return render(request, "discussion/thread.html", context, status=status)


@require_GET
def thread_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A thread on its own URL: paging without JS, sorts, and permalinks for embedded threads."""
    thread = thread_or_404(thread_id, request.user)
    sort = selectors.clean_sort(request.GET.get("sort") or presentation.sort_from(request))
    focus = request.GET.get("comment", "")

    def listing() -> selectors.ThreadPage:
        if focus.isdigit():
            comment = comment_or_404(request, int(focus))
            if comment.thread_id != thread.pk:
                raise Http404
            return selectors.comment_context(comment=comment, user=request.user)
        return selectors.thread_page(
            thread=thread, user=request.user, sort=sort, cursor=request.GET.get("cursor")
        )

    try:
        return _shared_block(request, thread, listing)
    except selectors.InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))


@require_GET
def replies_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A page of one comment's replies ("show more replies")."""
    parent = comment_or_404(request, comment_id)
    if parent.thread.state == ThreadState.HIDDEN and not request.user.is_staff:
        raise Http404
    try:
        return _shared_block(
            request,
            parent.thread,
            lambda: selectors.replies_page(parent=parent, user=request.user, cursor=request.GET.get("after")),
        )
    except selectors.InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))


@require_GET
def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    """``/c/<id>``: the article with the comment in its conversation, scrolled to it."""
    comment = comment_or_404(request, comment_id)
    base = article_url(comment.thread) if comment.thread.page_id else ""
    if not base:
        base = f"/discussion/{comment.thread_id}/"
    return HttpResponseRedirect(f"{base}?{urlencode({'comment': comment.pk})}#comment-{comment.pk}")


@require_GET
def sort_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Keep the reader's sort choice in a cookie (the page cache varies on it) and go back."""
    thread = thread_or_404(thread_id, request.user)
    sort = selectors.clean_sort(request.GET.get("sort"))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = article_url(thread) or f"/discussion/{thread.pk}/"
    target = target.split("?")[0] if "comment=" in target else target
    response = HttpResponseRedirect(f"{target.split('#')[0]}#discussion")
    response.set_cookie(presentation.SORT_COOKIE, sort, max_age=SORT_COOKIE_AGE, samesite="Lax")
    return response


@never_cache
@require_GET
def events_view(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """Server-Sent Events: "N new comments" since Last-Event-ID (or ``?after=``)."""
    thread = thread_or_404(thread_id, request.user)
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    if not raw.isdigit():
        return HttpResponseBadRequest("Last-Event-ID must be a comment id.")
    seen = int(raw)
    return StreamingHttpResponse(
        _stream(thread, seen),
        content_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _stream(thread: Thread, seen: int):  # type: ignore[no-untyped-def]
    from django.conf import settings

    yield f"retry: {live.RETRY_MILLISECONDS}\n\n"
    first_seen = seen
    for newest in live.wait_for_change(
        thread.pk, seen, thread.last_comment_id, settings.DISCUSSION_SSE_HOLD_SECONDS
    ):
        if newest:
            count = selectors.new_comment_count(thread=thread, after=first_seen)
            yield live.event("comments", {"count": count, "last_id": newest}, event_id=first_seen)
        else:
            yield ": keep-alive\n\n"
    if settings.DISCUSSION_SSE_HOLD_SECONDS == 0:
        newest = live.last_id(thread.pk, thread.last_comment_id)
        if newest > seen:
            count = selectors.new_comment_count(thread=thread, after=first_seen)
            yield live.event("comments", {"count": count, "last_id": newest}, event_id=first_seen)
