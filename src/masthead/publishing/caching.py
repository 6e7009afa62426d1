"""Page caching for anonymous readers: CDN headers and a server-side cache in front of Wagtail.

Views opt in with :func:`mark_public`, naming the scopes the page depends on. The
:class:`PageCacheMiddleware` stores such responses with the token of those scopes'
versions (``masthead.core.pagecache``) and serves them, before any routing, session or
template work, while the token still matches. Apps invalidate by bumping a scope:
publishing bumps ``page:<id>`` and ``site`` on publish/unpublish/move/delete, discussion
bumps ``page:<id>``, funding bumps ``funding``. See docs/publishing.md.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import Context
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from masthead.core import pagecache, slots

# The discussion app's sort preference changes the page a reader sees, so it is in the key.
VARY_COOKIES = ("discussion_sort",)
_SCOPES_ATTR = "_masthead_cache_scopes"
_KEY_PREFIX = "page:v2:"
LOCAL_ENTRIES = 500


# This process's most recently served entries; each is still checked against its scopes'
# versions token on every hit, so a purge from any process takes effect at once.
_local: pagecache.LocalCopies[dict[str, Any]] = pagecache.LocalCopies(LOCAL_ENTRIES)


def mark_public(request: HttpRequest, response: HttpResponse, *, scopes: list[str]) -> HttpResponse:
    """Let CDNs and the server-side cache keep ``response`` for anonymous readers.

    Signed-in readers get ``private, no-cache``: their pages carry their name and forms.
    """
    if response.status_code != 200:
        return response
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
        return response
    patch_cache_control(
        response,
        public=True,
        max_age=settings.MASTHEAD_PAGE_MAX_AGE,
        s_maxage=settings.MASTHEAD_PAGE_S_MAXAGE,
        stale_while_revalidate=settings.MASTHEAD_PAGE_STALE_WHILE_REVALIDATE,
    )
    setattr(response, _SCOPES_ATTR, list(scopes))
    return response


def cache_key(request: HttpRequest) -> str:
    parts: list[str] = [request.scheme or "http", request.get_host(), request.get_full_path()]
    parts += [request.COOKIES.get(name) or "" for name in VARY_COOKIES]
    if settings.LANGUAGE_FROM_BROWSER:
        # This middleware runs before LocaleMiddleware, so it asks as that one will.
        parts.append(translation.get_language_from_request(request))
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return _KEY_PREFIX + digest


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    # A session means a signed-in (or mid-flow) reader; pending messages must be shown.
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _may_store(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if not getattr(response, _SCOPES_ATTR, None) or response.cookies:
        return False
    # The page holds a CSRF token (a form): it must not be shared between readers.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control


class PageCacheMiddleware:
    """Serves stored pages to anonymous readers before Wagtail routes the request.

    Sits just after WhiteNoise: a hit costs two cache reads (the entry and its scopes'
    versions) and skips sessions, CSRF, authentication and routing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.MASTHEAD_PAGE_CACHE or not _may_use_cache(request):
            return self.get_response(request)
        key = cache_key(request)
        cached = self._lookup(request, key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if _may_store(request, response):
            self._store(key, response)
        response.setdefault("X-Cache", "MISS")
        return response

    def _lookup(self, request: HttpRequest, key: str) -> HttpResponse | None:
        entry = _local.get(key)
        if entry is not None and entry["expires"] < time.time():
            _local.discard(key)
            entry = None
        if entry is None:
            entry = cache.get(key)
            if entry is None:
                return None
            _local.put(key, entry)
        if entry["token"] != pagecache.versions(entry["scopes"]):
            _local.discard(key)
            return None
        response = HttpResponse(b"" if request.method == "HEAD" else entry["body"], status=200)
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Cache"] = "HIT"
        return response

    def _store(self, key: str, response: HttpResponse) -> None:
        scopes = getattr(response, _SCOPES_ATTR)
        headers = [(name, value) for name, value in response.items() if name.lower() != "x-cache"]
        entry = {
            "token": pagecache.versions(scopes),
            "scopes": scopes,
            "headers": headers,
            "body": response.content,
            "expires": time.time() + settings.MASTHEAD_PAGE_CACHE_SECONDS,
        }
        cache.set(key, entry, timeout=settings.MASTHEAD_PAGE_CACHE_SECONDS)
        _local.put(key, entry)


def purge_page(page_id: int) -> None:
    """Invalidate the page itself, its cached frame and every list that may show it."""
    pagecache.bump(f"page:{page_id}")
    pagecache.bump(f"content:{page_id}")
    pagecache.bump("site")


# Pages rendered as a frame with holes carry the hole names on the request, for the template.
FRAME_HOLES_ATTR = "_masthead_frame_holes"


class _NotAFrame(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__("response not cacheable as a frame")
        self.response = response


def frame_allowed(request: HttpRequest) -> bool:
    """Previews and drafts render live; so does anything but a plain read."""
    return (
        settings.MASTHEAD_FRAGMENT_CACHE
        and request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
    )


def serve_frame(
    request: HttpRequest, *, page: Any, holes: tuple[str, ...], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from its cached frame, with the ``holes`` slots rendered for this request.

    The frame (everything but the holes: header, article, funding bar and call to action) is
    the same for every reader, so it is rendered once and kept until the article is published
    again (``content:<id>``), the site changes (``site``) or a gift moves the bar
    (``funding``); the discussion below it changes with every comment and every reader, so
    it is a hole. Signed-in readers get the same frame: it holds nothing of theirs.
    """

    def build() -> str:
        setattr(request, FRAME_HOLES_ATTR, holes)
        try:
            response = render()
        finally:
            delattr(request, FRAME_HOLES_ATTR)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            raise _NotAFrame(response)
        return response.content.decode(response.charset or "utf-8")

    # The bar's campaign can start or end at midnight; the frame's links use the host.
    name = f"frame:{page.pk}:{request.scheme}:{request.get_host()}:{timezone.localdate().isoformat()}"
    scopes = ["site", f"content:{page.pk}", "funding"]
    # The holes' parts (the discussion) and the page cache key the page by ``page:<id>``:
    # one round trip for every version the response will need.
    pagecache.prefetch([*scopes, f"page:{page.pk}"])
    try:
        html = pagecache.cached_fragment(name, scopes, build, timeout=settings.MASTHEAD_PAGE_CACHE_SECONDS)
    except _NotAFrame as not_a_frame:
        return not_a_frame.response
    body = slots.fill_holes(html, Context({"page": page, "request": request}), holes)
    return HttpResponse(body, content_type="text/html; charset=utf-8")
