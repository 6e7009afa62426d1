"""Writing views: post, reply, edit, delete, vote, close a thread, unsubscribe. Plain forms;
each write is rate-limited and answered with a redirect or the form and its errors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.core import ratelimit
from masthead.discussion import limits, presentation, selectors, services
from masthead.discussion.forms import CommentForm, EditForm
from masthead.discussion.models import Comment, Thread
from masthead.discussion.rendering import normalise_source, render_markdown
from masthead.discussion.views.common import article_url, comment_or_404, message_page, thread_or_404


@require_http_methods(["GET", "POST"])
def post_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Post a comment or a reply (or preview it). GET shows the form (``?parent=`` to reply)."""
    thread = thread_or_404(thread_id, request.user)
    viewer = presentation.viewer_for(request, thread)
    back = article_url(thread) or f"/discussion/{thread.pk}/"
    if not viewer.can_comment:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(presentation.login_url(request.get_full_path()))
        return message_page(request, "You cannot comment here", _cannot_comment_reason(viewer), 403, back)
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
    comment = comment_or_404(request, int(raw))
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
    comment = comment_or_404(request, comment_id)
    return HttpResponseRedirect(
        f"/discussion/{comment.thread_id}/comment?{urlencode({'parent': comment.pk})}#comment-form"
    )


@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = comment_or_404(request, comment_id)
    if not services.comment_can_edit(comment=comment, user=request.user):
        return message_page(
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
    comment = comment_or_404(request, comment_id)
    if not (request.user.is_authenticated and comment.author_id == request.user.pk) or comment.status not in (
        "visible",
        "pending",
    ):
        return message_page(
            request,
            "You cannot delete this comment",
            "Only its author can delete a comment.",
            403,
            f"/c/{comment.pk}",
        )
    if request.method == "POST":
        if not ratelimit.hit("discussion:edit", ratelimit.request_keys(request), limits.EDIT):
            return message_page(request, "Too fast", "Please wait a minute and try again.", 429)
        comment = services.comment_delete(comment=comment, actor=request.user)
        if comment.reply_count:
            return HttpResponseRedirect(f"/c/{comment.pk}")
        back = article_url(comment.thread) or f"/discussion/{comment.thread_id}/"
        return HttpResponseRedirect(f"{back}#discussion")
    return render(request, "discussion/delete.html", {"comment": comment})


@require_POST
def vote_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = comment_or_404(request, comment_id)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(presentation.login_url(f"/c/{comment.pk}"))
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        return HttpResponseBadRequest("A vote is 1, -1 or 0.")
    if not ratelimit.hit("discussion:vote", ratelimit.request_keys(request), limits.VOTE):
        return message_page(
            request, "Too many votes", "Please wait a minute and try again.", 429, f"/c/{comment.pk}"
        )
    viewer = presentation.viewer_for(request, comment.thread)
    try:
        services.comment_vote(comment=comment, user=request.user, value=value, likes_only=viewer.likes_only)
    except PermissionDenied as error:
        return message_page(request, "You cannot vote on this comment", str(error), 403, f"/c/{comment.pk}")
    except ValidationError as error:
        return message_page(
            request, "That vote did not count", " ".join(error.messages), 400, f"/c/{comment.pk}"
        )
    return HttpResponseRedirect(f"/c/{comment.pk}")


@require_POST
def thread_state_view(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = thread_or_404(thread_id, request.user)
    try:
        services.thread_set_state(thread=thread, state=request.POST.get("state", ""), actor=request.user)
    except PermissionDenied as error:
        return message_page(request, "Not allowed", str(error), 403)
    except ValidationError as error:
        return message_page(request, "Not changed", " ".join(error.messages), 400)
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
