"""Versioned keys for server-side page caching.

A cached page's key includes the current version of each scope it depends on ("site",
"page:42", "funding"). Bumping a scope makes every page that depends on it miss the cache,
so apps purge what they changed without knowing which URLs showed it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

_TIMEOUT = 60 * 60 * 24 * 7


def version(scope: str) -> str:
    key = f"pv:{scope}"
    value = cache.get(key)
    if value is None:
        value = str(time.time_ns())
        cache.add(key, value, timeout=_TIMEOUT)
        value = cache.get(key, value)
    return str(value)


def versions(scopes: list[str]) -> str:
    """One short token for the current versions of all ``scopes``."""
    keys = [f"pv:{scope}" for scope in scopes]
    found = cache.get_many(keys)
    parts = [
        str(found[key]) if key in found else version(scope) for key, scope in zip(keys, scopes, strict=True)
    ]
    return hashlib.blake2s("|".join(parts).encode(), digest_size=8).hexdigest()


def bump(scope: str) -> None:
    """Invalidate every cached page that depends on ``scope``."""
    cache.set(f"pv:{scope}", str(time.time_ns()), timeout=_TIMEOUT)


class NotShared(Exception):
    """Raised by a fragment's renderer when this reader's HTML must not be shared (a CSRF token)."""

    def __init__(self, html: str) -> None:
        super().__init__("fragment not shared")
        self.html = html


def cached_fragment(name: str, scopes: list[str], render: Callable[[], str], *, timeout: int) -> str:
    """``render()``'s HTML, shared by every process until one of ``scopes`` is bumped.

    ``name`` must say everything else the HTML depends on (page, host, sort...). ``timeout``
    bounds how stale time-dependent parts ("5 minutes ago") may get. A renderer that finds
    its HTML personal raises ``NotShared(html)``: that HTML is returned and not stored.
    """
    try:
        if not settings.MASTHEAD_FRAGMENT_CACHE:
            return render()
        digest = hashlib.blake2s(name.encode(), digest_size=12).hexdigest()
        key = f"frag:{digest}:{versions(scopes)}"
        html = cache.get(key)
        if html is None:
            html = render()
            cache.set(key, html, timeout=timeout)
        return str(html)
    except NotShared as personal:
        return personal.html
