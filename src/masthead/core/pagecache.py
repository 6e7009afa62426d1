"""Versioned keys for server-side page caching.

A cached page's key includes the current version of each scope it depends on ("site",
"page:42", "funding"). Bumping a scope makes every page that depends on it miss the cache,
so apps purge what they changed without knowing which URLs showed it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
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


class _Recent:
    """This process's most recently used fragments, by their versioned key.

    The key carries the versions of the fragment's scopes, so a purge from any process makes
    it unreachable at once; the copy only saves fetching and decoding a large value again.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, expires: float, html: str) -> None:
        with self.lock:
            self.entries[key] = (expires, html)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_recent = _Recent(256)


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
        key = f"frag:v2:{digest}:{versions(scopes)}"
        html = _recent.get(key)
        if html is not None:
            return html
        entry = cache.get(key)
        if entry is None:
            entry = (time.time() + timeout, render())
            cache.set(key, entry, timeout=timeout)
        _recent.put(key, entry[0], entry[1])
        return str(entry[1])
    except NotShared as personal:
        return personal.html
