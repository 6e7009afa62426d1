"""The embed: a frame page other sites show, sign-in on Masthead's origin, and token-authorised writes.

Writes reuse the discussion's own views (``post_view``, ``vote_view``): the wrappers here only
swap cookie authentication for the embed token (see ``services``) and answer in JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.core import ratelimit
from masthead.discussion import presentation, selectors
from masthead.discussion import views as discussion_views
from masthead.discussion.embed import services
from masthead.discussion.embed.models import origin_of
from masthead.discussion.models import Comment, Thread, ThreadState

# Threads made on first view of a new page address, per IP network (a site's new posts need few).
NEW_THREAD = ratelimit.Limit(30, 60 * 60)
TOKEN_HEADER = "X-Masthead-Embed-Token"  # noqa: S105 - a header name


def frame_csp(origin: str) -> str:
    """The public policy, except that only the embedding site may frame the page."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {origin}",
        ]
    )


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"error": message}, status=status)
    else:
        response = render(request, "discussion/embed/refused.html", {"message": message}, status=status)
    # The refusal must be readable inside whichever page tried to frame it; it holds no reader data.
    response["Content-Security-Policy"] = frame_csp("*")
    return response


def _no_cookies(request: HttpRequest) -> None:
    # Rendering forms asked for a CSRF token; inside a third-party frame that cookie is useless
    # (writes use the embed token) and would be a third-party cookie.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


def _token_user(request: HttpRequest, token: str, thread_id: int) -> Any:
    if not token:
        return AnonymousUser()
    return services.embed_token_user(token=token, thread_id=thread_id)


@never_cache
@xframe_options_exempt
@require_GET
def frame_view(request: HttpRequest) -> HttpResponse:
    """The discussion of ``?url=`` for the frame: ``?fragment=1`` answers the block alone (for the JS)."""
    try:
        target = services.embed_thread_for_url(
            url=request.GET.get("url", ""),
            title=request.GET.get("title", ""),
            may_create=lambda: ratelimit.hit(
                "discussion:embed-thread", ratelimit.request_keys(request), NEW_THREAD
            ),
        )
    except services.TooManyThreads as refused:
        return _refused(request, str(refused), status=429)
    except services.OriginRefused as refused:
        return _refused(request, str(refused))
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), status=400)
    thread = target.thread
    if thread.state == ThreadState.HIDDEN:
        return _refused(request, "This discussion is not available.", status=404)
    signed_out = False
    try:
        request.user = _token_user(request, request.headers.get(TOKEN_HEADER, ""), thread.pk)
    except PermissionDenied:
        request.user = AnonymousUser()
        signed_out = True
    sort = selectors.clean_sort(request.GET.get("sort"))
    try:
        listing = selectors.thread_page(
            thread=thread, user=request.user, sort=sort, cursor=request.GET.get("cursor")
        )
    except selectors.InvalidCursor as exc:
        return _refused(request, str(exc), status=400)
    block = presentation.render_block(
        request, thread=thread, back_url=f"/discussion/{thread.pk}/", listing=listing, standalone=True
    )
    if request.GET.get("fragment") == "1":
        response = HttpResponse(block)
    else:
        theme = "dark" if request.GET.get("theme") == "dark" else "light"
        context = {"thread": thread, "block_html": block, "theme": theme, "origin": target.origin}
        response = render(request, "discussion/embed/frame.html", context)
    _no_cookies(request)
    if signed_out:
        response["X-Masthead-Embed-Signed-Out"] = "1"
    response["Content-Security-Policy"] = frame_csp(target.origin)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signin_view(request: HttpRequest) -> HttpResponse:
    """In a popup on Masthead's own origin: sign in, then confirm sharing the sign-in with the frame."""
    raw_thread = request.GET.get("thread", "")
    thread = get_object_or_404(Thread, pk=int(raw_thread) if raw_thread.isdigit() else 0, url__isnull=False)
    origin = origin_of(thread.url or "")
    key = request.GET.get("key", "")
    if not services.handoff_key_is_valid(key) or not services.origin_is_allowed(origin=origin):
        return discussion_views.message_page(
            request, "Sign-in link not valid", "Please close this window and try again.", 400
        )
    if not request.user.is_authenticated:
        return HttpResponseRedirect(presentation.login_url(request.get_full_path()))
    context = {"thread": thread, "origin": origin}
    if request.method == "POST":
        token = services.embed_token_issue(user=request.user, thread=thread, origin=origin)
        services.embed_handoff_store(key=key, token=token)
        return render(request, "discussion/embed/signed_in.html", context)
    return render(request, "discussion/embed/signin.html", context)


@csrf_exempt  # The unguessable key, known only to the frame that made it, is the credential.
@require_POST
def handoff_view(request: HttpRequest) -> JsonResponse:
    """The frame collects a confirmed sign-in (once); ``{"token": null}`` while it is pending."""
    token = services.embed_handoff_take(key=request.POST.get("key", ""))
    return JsonResponse({"token": token})


def _same_origin(request: HttpRequest) -> bool:
    return request.headers.get("Origin", "") == f"{request.scheme}://{request.get_host()}"


def _token_write(
    thread_of: Callable[..., int | None], view: Callable[..., HttpResponse]
) -> Callable[..., Any]:
    """A discussion write authorised by the embed token alone (never by cookies), answered in JSON."""

    @csrf_exempt  # Cookies grant nothing here: the reader's identity comes only from the token.
    @xframe_options_exempt
    @require_POST
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not _same_origin(request):
            return JsonResponse({"error": "Requests must come from the discussion frame."}, status=403)
        thread_id = thread_of(**kwargs)
        if thread_id is None:
            return JsonResponse({"error": "Not found."}, status=404)
        try:
            request.user = _token_user(request, request.headers.get(TOKEN_HEADER, ""), thread_id)
        except PermissionDenied as denied:
            return JsonResponse({"error": str(denied), "signed_out": True}, status=403)
        try:
            response = view(request, **kwargs)
        except Http404:
            return JsonResponse({"error": "Not found."}, status=404)
        _no_cookies(request)
        if response.status_code in (301, 302, 303) and response["Location"].startswith(
            reverse("account_login")
        ):
            return JsonResponse({"error": "Please sign in first.", "signed_out": True}, status=403)
        if response.status_code in (301, 302, 303):
            return JsonResponse({"ok": True, "location": response["Location"]})
        if response.status_code == 200:  # a preview, or a form shown again
            return JsonResponse({"ok": False, "html": response.content.decode()}, status=400)
        return JsonResponse({"ok": False, "html": response.content.decode()}, status=response.status_code)

    return wrapped


def _thread_id(thread_id: int) -> int | None:
    return thread_id


def _comment_thread_id(comment_id: int) -> int | None:
    return Comment.objects.filter(pk=comment_id).values_list("thread_id", flat=True).first()


post_view = _token_write(_thread_id, discussion_views.post_view)
vote_view = _token_write(_comment_thread_id, discussion_views.vote_view)
