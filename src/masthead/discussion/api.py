"""The discussion's JSON API (django-ninja). OpenAPI schema: /api/discussion/openapi.json,
interactive docs: /api/discussion/docs.

Same rules as the HTML views (they share the services and selectors); reads are public,
writes need a signed-in account with a verified email (session cookie + CSRF header).
Errors are JSON: ``{"detail": "...", "reasons": [...]}`` with a 4xx status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import Header, NinjaAPI, Schema
from ninja.security import django_auth

from masthead.accounts.selectors import has_verified_email
from masthead.core import pagecache, ratelimit
from masthead.discussion import events, limits, presentation, selectors, services, views
from masthead.discussion.models import Comment, Thread, ThreadState

api = NinjaAPI(
    title="Masthead discussion API",
    version="1",
    urls_namespace="discussion_api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# An anonymous page is kept until its thread changes; the timeout bounds what no version
# tracks (a thread closing on its date).
ANONYMOUS_PAGE_SECONDS = 60


class CommentOut(Schema):
    id: int
    parent_id: int | None
    depth: int
    author: str | None
    status: str
    tombstone: str | None
    html: str
    created_at: datetime
    edited_at: datetime | None
    upvotes: int
    downvotes: int
    reply_count: int
    featured: bool
    permalink: str
    my_vote: int = 0
    replies: list[CommentOut] = []
    more_replies: int = 0
    more_replies_url: str | None = None


CommentOut.model_rebuild()


class PageOut(Schema):
    thread_id: int
    comment_count: int
    state: str
    sort: str
    comments: list[CommentOut]
    next_cursor: str | None
    focus_id: int | None = None


class ThreadOut(Schema):
    id: int
    page_id: int | None
    comment_count: int
    state: str
    open: bool


class Error(Schema):
    detail: str
    reasons: list[str] = []


class CommentIn(Schema):
    body: str
    parent_id: int | None = None
    notify_replies: bool = False
    client_token: str | None = None


class EditIn(Schema):
    body: str


class VoteIn(Schema):
    value: int


class VoteOut(Schema):
    upvotes: int
    downvotes: int
    my_vote: int


def _error(request: HttpRequest, detail: str, status: int, reasons: list[str] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "reasons": reasons or []}, status=status)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, " ".join(exc.messages), 400)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, str(exc) or "Not allowed.", 403)


@api.exception_handler(services.CommentRejected)
def _rejected(request: HttpRequest, exc: services.CommentRejected) -> HttpResponse:
    return _error(request, "The comment was not published.", 422, exc.messages)


@api.exception_handler(selectors.InvalidCursor)
def _cursor(request: HttpRequest, exc: selectors.InvalidCursor) -> HttpResponse:
    return _error(request, str(exc), 400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, "Not found.", 404)


def _out(node: selectors.Node, user: Any) -> dict[str, Any]:
    comment = node.comment
    tombstone = presentation.TOMBSTONE_WORDS.get(comment.status) if comment.is_tombstone else None
    more_url = None
    if node.more_replies:
        more_url = reverse("discussion_api:replies", args=[comment.pk])
        if node.more_after:
            more_url += f"?after={node.more_after}"
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": None if tombstone else comment.display_name,
        "status": comment.status,
        "tombstone": tombstone,
        "html": "" if tombstone else comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "reply_count": comment.reply_count,
        "featured": comment.featured,
        "permalink": f"/c/{comment.pk}",
        "my_vote": node.vote,
        "replies": [_out(child, user) for child in node.children],
        "more_replies": node.more_replies,
        "more_replies_url": more_url,
    }


def _page(request: HttpRequest, thread: Thread, listing: selectors.ThreadPage) -> dict[str, Any]:
    return {
        "thread_id": thread.pk,
        "comment_count": thread.comment_count,
        "state": thread.state,
        "sort": listing.sort,
        "comments": [_out(node, request.user) for node in listing.nodes],
        "next_cursor": listing.next_cursor,
        "focus_id": listing.focus.pk if listing.focus else None,
    }


def comment_or_404(request: HttpRequest, comment_id: int) -> Comment:
    try:
        return selectors.access_comment(user=request.user, comment_id=comment_id)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc


def _writer(request: HttpRequest, scope: str, limit: ratelimit.Limit) -> None:
    # Posting and editing need only the verified address: the site's discussion settings
    # (guests, likes only) matter to votes alone, and reading them costs a Site lookup.
    if not has_verified_email(request.user):
        raise PermissionDenied("Confirm your email address before taking part.")
    if not ratelimit.hit(scope, ratelimit.request_keys(request), limit):
        raise _TooFast


def _voter(request: HttpRequest, thread: Thread) -> presentation.Viewer:
    viewer = presentation.viewer_for(request, thread)
    if not viewer.verified:
        raise PermissionDenied("Confirm your email address before taking part.")
    if not ratelimit.hit("discussion:vote", ratelimit.request_keys(request), limits.VOTE):
        raise _TooFast
    return viewer


class _TooFast(Exception):
    pass


@api.exception_handler(_TooFast)
def _too_fast(request: HttpRequest, exc: _TooFast) -> HttpResponse:
    return _error(request, "Too many requests; please wait a minute.", 429)


@api.get("/pages/{page_id}/thread", response={200: ThreadOut, 404: Error}, url_name="page_thread")
def page_thread(request: HttpRequest, page_id: int) -> dict[str, Any]:
    """The thread of an article (created on first use)."""
    from wagtail.models import Page

    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    thread = services.thread_for_page(page=page)
    if thread.state == ThreadState.HIDDEN and not request.user.is_staff:
        raise Http404
    from masthead.discussion.services.threads import thread_is_open

    return {
        "id": thread.pk,
        "page_id": thread.page_id,
        "comment_count": thread.comment_count,
        "state": thread.state,
        "open": thread_is_open(thread),
    }


@api.get(
    "/threads/{thread_id}/comments",
    response={200: PageOut, 400: Error, 404: Error},
    url_name="thread_comments",
)
def thread_comments(
    request: HttpRequest, thread_id: int, sort: str = "oldest", cursor: str | None = None
) -> dict[str, Any] | HttpResponse:
    """A page of top-level comments (by ``sort``: oldest, newest, best, replies), with their first replies."""
    thread = views.thread_or_404(thread_id, request.user)
    if request.user.is_authenticated:
        listing = selectors.thread_page(thread=thread, user=request.user, sort=sort, cursor=cursor)
        return _page(request, thread, listing)

    def anonymous_json() -> str:
        listing = selectors.thread_page(thread=thread, user=request.user, sort=sort, cursor=cursor)
        data = PageOut.model_validate(_page(request, thread, listing)).model_dump()
        return api.create_response(request, data, status=200).content.decode()

    # Every anonymous reader gets the same JSON: serialise it once per change of the thread.
    name = f"api:thread:{thread.pk}:{thread.state}:{selectors.clean_sort(sort)}:{cursor or ''}"
    body = pagecache.cached_fragment(
        name, [events.thread_scope(thread), "site"], anonymous_json, timeout=ANONYMOUS_PAGE_SECONDS
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@api.get("/comments/{comment_id}", response={200: PageOut, 404: Error}, url_name="comment")
def comment_detail(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    """A comment in context: its ancestors, a window of its siblings and its first replies."""
    comment = comment_or_404(request, comment_id)
    listing = selectors.comment_context(comment=comment, user=request.user)
    return _page(request, comment.thread, listing)


@api.get(
    "/comments/{comment_id}/replies", response={200: PageOut, 400: Error, 404: Error}, url_name="replies"
)
def comment_replies(request: HttpRequest, comment_id: int, after: str | None = None) -> dict[str, Any]:
    """A page of a comment's replies, oldest first, after the cursor ``after``."""
    parent = comment_or_404(request, comment_id)
    listing = selectors.replies_page(parent=parent, user=request.user, cursor=after)
    return _page(request, parent.thread, listing)


@api.post(
    "/threads/{thread_id}/comments",
    auth=django_auth,
    response={201: CommentOut, 400: Error, 403: Error, 404: Error, 422: Error, 429: Error},
    url_name="post",
)
def comment_post(
    request: HttpRequest,
    thread_id: int,
    payload: CommentIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> HttpResponse:
    """Post a comment, or a reply with ``parent_id``. Repeat-safe with ``Idempotency-Key`` or ``client_token``."""
    # The thread, and the author's standing that screening reads, in one query.
    thread, standing_read = views.thread_for_posting(thread_id, request.user, payload.body)
    _writer(request, "discussion:post", limits.POST)
    parent = None
    if payload.parent_id is not None:
        parent = comment_or_404(request, payload.parent_id)
    comment = services.comment_create(
        thread=thread,
        author=request.user,
        body=payload.body,
        parent=parent,
        notify_replies=payload.notify_replies,
        client_token=idempotency_key or payload.client_token,
        standing_read=standing_read,
    )
    # The answer is made here in CommentOut's shape (a test holds it to the schema): ninja's
    # validation of this one flat dict cost 3% of a post.
    return api.create_response(request, _out(selectors.Node(comment), request.user), status=201)


@api.patch(
    "/comments/{comment_id}",
    auth=django_auth,
    response={200: CommentOut, 400: Error, 403: Error, 404: Error, 422: Error, 429: Error},
    url_name="edit",
)
def comment_edit(request: HttpRequest, comment_id: int, payload: EditIn) -> dict[str, Any]:
    """Edit your own comment within the edit window."""
    comment = comment_or_404(request, comment_id)
    _writer(request, "discussion:edit", limits.EDIT)
    comment = services.comment_edit(comment=comment, actor=request.user, body=payload.body)
    return _out(selectors.Node(comment), request.user)


@api.delete(
    "/comments/{comment_id}",
    auth=django_auth,
    response={200: CommentOut, 400: Error, 403: Error, 404: Error, 429: Error},
    url_name="delete",
)
def comment_delete(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    """Delete your own comment (a tombstone stays if it has replies)."""
    comment = comment_or_404(request, comment_id)
    if not ratelimit.hit("discussion:edit", ratelimit.request_keys(request), limits.EDIT):
        raise _TooFast
    comment = services.comment_delete(comment=comment, actor=request.user)
    return _out(selectors.Node(comment), request.user)


@api.put(
    "/comments/{comment_id}/vote",
    auth=django_auth,
    response={200: VoteOut, 400: Error, 403: Error, 404: Error, 429: Error},
    url_name="vote",
)
def comment_vote(request: HttpRequest, comment_id: int, payload: VoteIn) -> dict[str, Any]:
    """Vote 1 (up), -1 (down) or 0 (take the vote back)."""
    comment = comment_or_404(request, comment_id)
    viewer = _voter(request, comment.thread)
    comment = services.comment_vote(
        comment=comment, user=request.user, value=payload.value, likes_only=viewer.likes_only
    )
    return {"upvotes": comment.upvotes, "downvotes": comment.downvotes, "my_vote": payload.value}


@api.get("/threads/{thread_id}/events", response={200: None, 404: Error}, url_name="events")
def thread_events(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """Live updates as Server-Sent Events (``text/event-stream``): ``event: comments`` with
    ``{"count": new visible comments since Last-Event-ID, "last_id": newest id}``."""
    return views.events_view(request, thread_id)
