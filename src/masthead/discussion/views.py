"""HTML views: every reader feature works as plain links and forms; the JS only enhances."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
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
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.core import ratelimit, rows
from masthead.discussion import events, limits, live, presentation, selectors, services, slots
from masthead.discussion.forms import CommentForm, EditForm
from masthead.discussion.models import Comment, Thread, ThreadState
from masthead.discussion.rendering import normalise_source, render_markdown

SORT_COOKIE_AGE = 60 * 60 * 24 * 365


_THREAD_FIELDS = [field.attname for field in Thread._meta.concrete_fields]


def _thread(thread_id: int, user: Any, *, writing: bool = False) -> Thread:
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


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    try:
        return selectors.access_comment(user=request.user, comment_id=comment_id)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc


def article_url(thread: Thread) -> str:
    if thread.page is not None:
        return thread.page.url or ""
    return thread.url or ""


def _message(
    request: HttpRequest, heading: str, message: str, status: int, back_url: str = ""
) -> HttpResponse:
    context = {"heading": heading, "message": message, "back_url": back_url}
    return render(request, "discussion/message.html", context, status=status)


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
    thread = _thread(thread_id, request.user)
    sort = selectors.clean_sort(request.GET.get("sort") or presentation.sort_from(request))
    focus = request.GET.get("comment", "")

    def listing() -> selectors.ThreadPage:
        if focus.isdigit():
            comment = _comment(request, int(focus))
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
    parent = _comment(request, comment_id)
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
    comment = _comment(request, comment_id)
    base = article_url(comment.thread) if comment.thread.page_id else ""
    if not base:
        base = f"/discussion/{comment.thread_id}/"
    return HttpResponseRedirect(f"{base}?{urlencode({'comment': comment.pk})}#comment-{comment.pk}")


@require_GET
def sort_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Keep the reader's sort choice in a cookie (the page cache varies on it) and go back."""
    thread = _thread(thread_id, request.user)
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


@require_http_methods(["GET", "POST"])
def post_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Post a comment or a reply (or preview it). GET shows the form (``?parent=`` to reply)."""
    thread = _thread(thread_id, request.user)
    viewer = presentation.viewer_for(request, thread)
    back = article_url(thread) or f"/discussion/{thread.pk}/"
    if not viewer.can_comment:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(presentation.login_url(request.get_full_path()))
        return _message(request, "You cannot comment here", _cannot_comment_reason(viewer), 403, back)
    data = request.POST if request.method == "POST" else None
    initial = {"parent": request.GET.get("parent")} if request.method == "GET" else {}
    form = CommentForm(data, guest=not viewer.signed_in, initial=initial)
    parent = None
    if request.method == "GET" or not form.is_valid():
        parent = _parent_or_none(request, thread, form)
        return _form_page(request, thread, form, parent, status=200 if data is None else 400)
    parent = _parent_or_none(request, thread, form)
    body = form.cleaned_data["body"]
    if request.POST.get("action") == "preview":
        preview = render_markdown(normalise_source(body))
        return _form_page(request, thread, form, parent, preview_html=preview)
    if not ratelimit.hit("discussion:post", ratelimit.request_keys(request), limits.POST):
        form.add_error(None, "You are posting too fast. Please wait a minute and try again.")
        return _form_page(request, thread, form, parent, status=429)
    try:
        comment = services.comment_create(
            thread=thread,
            author=request.user if viewer.signed_in else None,
            body=body,
            parent=parent,
            guest_name=form.cleaned_data.get("guest_name", ""),
            notify_replies=form.cleaned_data.get("notify_replies", False),
            client_token=form.cleaned_data["client_token"],
            honeypot=form.cleaned_data.get("website", ""),
        )
    except services.CommentRejected as rejected:
        for message in rejected.messages:
            form.add_error(None, message)
        return _form_page(request, thread, form, parent, status=400)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _form_page(request, thread, form, parent, status=400)
    return HttpResponseRedirect(f"/c/{comment.pk}")


def _cannot_comment_reason(viewer: presentation.Viewer) -> str:
    if not viewer.thread_open:
        return "This discussion is closed."
    return "Please confirm your email address first: we sent you a link when you signed up."


def _parent_or_none(request: HttpRequest, thread: Thread, form: CommentForm) -> Comment | None:
    raw = (
        form.cleaned_data.get("parent")
        if form.is_bound and hasattr(form, "cleaned_data")
        else form.initial.get("parent")
    )
    if not raw or not str(raw).isdigit():
        return None
    comment = _comment(request, int(raw))
    if comment.thread_id != thread.pk:
        raise Http404
    return comment


def _form_page(
    request: HttpRequest,
    thread: Thread,
    form: CommentForm,
    parent: Comment | None,
    status: int = 200,
    preview_html: str = "",
) -> HttpResponse:
    if parent is not None:
        listing = selectors.comment_context(comment=parent, user=request.user, window=0)
    else:
        listing = selectors.thread_page(
            thread=thread, user=request.user, sort=presentation.sort_from(request)
        )
    block = presentation.render_block(
        request,
        thread=thread,
        back_url=article_url(thread) or f"/discussion/{thread.pk}/",
        listing=listing,
        form=form,
        preview_html=preview_html,
        standalone=True,
    )
    context = {"thread": thread, "block_html": block, "article_url": article_url(thread)}
    return render(request, "discussion/thread.html", context, status=status)


@require_GET
def reply_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The no-JS "Reply" link: the form under the comment it answers."""
    comment = _comment(request, comment_id)
    return HttpResponseRedirect(
        f"/discussion/{comment.thread_id}/comment?{urlencode({'parent': comment.pk})}#comment-form"
    )


@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not services.comment_can_edit(comment=comment, user=request.user):
        return _message(
            request,
            "You cannot edit this comment",
            "Comments can be edited by their author for a short while after posting.",
            403,
            f"/c/{comment.pk}",
        )
    form = EditForm(request.POST or None, initial={"body": comment.body_source})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("discussion:edit", ratelimit.request_keys(request), limits.EDIT):
            form.add_error(None, "You are editing too fast. Please wait a minute.")
            return render(request, "discussion/edit.html", {"form": form, "comment": comment}, status=429)
        try:
            services.comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        except services.CommentRejected as rejected:
            for message in rejected.messages:
                form.add_error(None, message)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            return HttpResponseRedirect(f"/c/{comment.pk}")
    status = 400 if request.method == "POST" else 200
    return render(request, "discussion/edit.html", {"form": form, "comment": comment}, status=status)


@require_http_methods(["GET", "POST"])
def delete_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not (request.user.is_authenticated and comment.author_id == request.user.pk) or comment.status not in (
        "visible",
        "pending",
    ):
        return _message(
            request,
            "You cannot delete this comment",
            "Only its author can delete a comment.",
            403,
            f"/c/{comment.pk}",
        )
    if request.method == "POST":
        if not ratelimit.hit("discussion:edit", ratelimit.request_keys(request), limits.EDIT):
            return _message(request, "Too fast", "Please wait a minute and try again.", 429)
        comment = services.comment_delete(comment=comment, actor=request.user)
        if comment.reply_count:
            return HttpResponseRedirect(f"/c/{comment.pk}")
        back = article_url(comment.thread) or f"/discussion/{comment.thread_id}/"
        return HttpResponseRedirect(f"{back}#discussion")
    return render(request, "discussion/delete.html", {"comment": comment})


@require_POST
def vote_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment(request, comment_id)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(presentation.login_url(f"/c/{comment.pk}"))
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        return HttpResponseBadRequest("A vote is 1, -1 or 0.")
    if not ratelimit.hit("discussion:vote", ratelimit.request_keys(request), limits.VOTE):
        return _message(
            request, "Too many votes", "Please wait a minute and try again.", 429, f"/c/{comment.pk}"
        )
    viewer = presentation.viewer_for(request, comment.thread)
    try:
        services.comment_vote(comment=comment, user=request.user, value=value, likes_only=viewer.likes_only)
    except PermissionDenied as error:
        return _message(request, "You cannot vote on this comment", str(error), 403, f"/c/{comment.pk}")
    except ValidationError as error:
        return _message(request, "That vote did not count", " ".join(error.messages), 400, f"/c/{comment.pk}")
    return HttpResponseRedirect(f"/c/{comment.pk}")


@require_POST
def thread_state_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread(thread_id, request.user)
    try:
        services.thread_set_state(thread=thread, state=request.POST.get("state", ""), actor=request.user)
    except PermissionDenied as error:
        return _message(request, "Not allowed", str(error), 403)
    except ValidationError as error:
        return _message(request, "Not changed", " ".join(error.messages), 400)
    return HttpResponseRedirect((article_url(thread) or f"/discussion/{thread.pk}/") + "#discussion")


@csrf_exempt  # RFC 8058 one-click unsubscribe: the signed token is the credential.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        try:
            signing.loads(token, salt="masthead.discussion.unsubscribe")
        except signing.BadSignature:
            return render(request, "discussion/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "discussion/unsubscribe.html", {})
    try:
        services.notifications_unsubscribe(token=token)
    except signing.BadSignature:
        return render(request, "discussion/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "discussion/unsubscribe.html", {"done": True})


@never_cache
@require_GET
def events_view(request: HttpRequest, thread_id: int) -> HttpResponseBase:
    """Server-Sent Events: "N new comments" since Last-Event-ID (or ``?after=``)."""
    thread = _thread(thread_id, request.user)
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
