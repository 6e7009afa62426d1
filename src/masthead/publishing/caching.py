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
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from masthead.core import pagecache

# The discussion app's sort preference changes the page a reader sees, so it is in the key.
VARY_COOKIES = ("discussion_sort",)
_SCOPES_ATTR = "_masthead_cache_scopes"
_KEY_PREFIX = "page:v1:"


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
    parts = [request.scheme, request.get_host(), request.get_full_path()]
    parts += [request.COOKIES.get(name, "") for name in VARY_COOKIES]
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
        entry: dict[str, Any] | None = cache.get(key)
        if entry is None or entry["token"] != pagecache.versions(entry["scopes"]):
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
        }
        cache.set(key, entry, timeout=settings.MASTHEAD_PAGE_CACHE_SECONDS)


def purge_page(page_id: int) -> None:
    """Invalidate the page itself and every list that may show it."""
    pagecache.bump(f"page:{page_id}")
    pagecache.bump("site")
