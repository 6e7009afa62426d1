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
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.utils import translation

_TIMEOUT = 60 * 60 * 24 * 7
T = TypeVar("T")


# Versions a read request has seen, so that each scope is fetched once per request (a page
# and its parts each ask for "site"; see ``remember_versions``). None outside such a request.
_request = threading.local()


def remember_versions(active: bool, *, key: str | None = None) -> None:
    """Start (``True``) or end (``False``) remembering the versions this thread's request reads.

    For read requests only: a page asks for the same scopes in several places (routing, the
    frame, the discussion block), and on the database cache each ask is a query. A version
    bumped by another process meanwhile is seen by the next request, as it would be had this
    one read it a moment earlier; this thread's own ``bump`` updates what it remembers.

    ``key`` names what is requested (host and path). The scopes the last request with that
    key read are then fetched at once, in the one round trip that the first scope (routing's
    "site") costs anyway, rather than in a second one when the page knows them. Only which
    scopes to fetch is remembered between requests, never their values.
    """
    if not active:
        seen = _remembered()
        previous_key = getattr(_request, "key", None)
        if seen and previous_key is not None:
            _likely_scopes.put(previous_key, tuple(seen))
        _request.versions = None
        _request.key = None
        return
    _request.versions = {}
    _request.key = key
    likely = _likely_scopes.get(key) if key is not None else None
    if likely:
        prefetch(list(likely))


def _remembered() -> dict[str, str] | None:
    return getattr(_request, "versions", None)


def version(scope: str) -> str:
    remembered = _remembered()
    if remembered is not None and scope in remembered:
        return remembered[scope]
    key = f"pv:{scope}"
    value = cache.get(key)
    if value is None:
        value = str(time.time_ns())
        cache.add(key, value, timeout=_TIMEOUT)
        value = cache.get(key, value)
    if remembered is not None:
        remembered[scope] = str(value)
    return str(value)


def prefetch(scopes: list[str]) -> None:
    """Read the versions of ``scopes`` in one round trip, for this request to use later
    (nothing outside a request that remembers versions)."""
    remembered = _remembered()
    if remembered is None:
        return
    missing = [scope for scope in scopes if scope not in remembered]
    if missing:
        found = cache.get_many([f"pv:{scope}" for scope in missing])
        for scope in missing:
            value = found.get(f"pv:{scope}")
            if value is not None:
                remembered[scope] = str(value)


def versions(scopes: list[str]) -> str:
    """One short token for the current versions of all ``scopes``."""
    if _remembered() is not None:
        prefetch(scopes)
        parts = [version(scope) for scope in scopes]
    else:
        keys = [f"pv:{scope}" for scope in scopes]
        found = cache.get_many(keys)
        parts = [
            str(found[key]) if key in found else version(scope)
            for key, scope in zip(keys, scopes, strict=True)
        ]
    return hashlib.blake2s("|".join(parts).encode(), digest_size=8).hexdigest()


def after_change(function: Callable[[], object]) -> None:
    """Run ``function``, a cache write that follows a database change, once the change is in.

    Usually after the transaction commits, so no reader caches the old state under a new
    version. When the cache is a table of the same SQLite database, at once instead: the
    write joins the change's transaction (readers see both or neither), and SQLite's single
    write lock is taken once per change rather than once more per cache write.
    """
    if writes_join_transaction():
        function()
    else:
        transaction.on_commit(function)


def writes_join_transaction() -> bool:
    """Whether a cache write now joins the open transaction: the cache is a table of the
    same SQLite database and a transaction is open (see ``after_change``)."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return False
    alias = router.db_for_write(backend.cache_model_class)
    connection = connections[alias]
    return alias == DEFAULT_DB_ALIAS and connection.vendor == "sqlite" and connection.in_atomic_block


def bump(scope: str) -> None:
    """Invalidate every cached page that depends on ``scope``."""
    key, value, timeout = next_version(scope)
    cache.set(key, str(value), timeout=timeout)


def next_version(scope: str) -> tuple[str, int, int]:
    """``bump`` for a caller that writes the version itself, in a cache round trip it makes
    anyway: the cache key (before the backend's prefix), the new version and its timeout.
    The version may be stored as the number or its text; readers compare the text."""
    value = time.time_ns()
    remembered = _remembered()
    if remembered is not None:
        remembered[scope] = str(value)
    return f"pv:{scope}", value, _TIMEOUT


class NotShared(Exception):
    """Raised by a fragment's renderer when this reader's HTML must not be shared (a CSRF token)."""

    def __init__(self, html: str) -> None:
        super().__init__("fragment not shared")
        self.html = html


class LocalCopies(Generic[T]):
    """A process's most recently used values, in front of the shared cache (least recently
    used go first). Callers key them so that a purge from any process makes them unreachable
    (a versioned key, or a token checked on every use); a copy only saves fetching and
    decoding a large value again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, T] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: T) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def discard(self, key: str) -> None:
        with self.lock:
            self.entries.pop(key, None)


class Encoded:
    """What is made once from the process's recently used shared HTML (its UTF-8 bytes, a
    frame split at its holes), by the string object itself.

    The local copies above hand out the same string object for as long as it stands, so
    what is made from it can be kept beside it. Encoding a 110 KB article page with names in
    Greek cost 70 µs, an eighth of serving it. An entry holds its string, so its id cannot
    pass to another string while it is kept.
    """

    def __init__(self, size: int, *, smallest: int = 1024) -> None:
        self.smallest = smallest
        self.copies: LocalCopies[tuple[str, Any]] = LocalCopies(size)

    def get(self, text: str, make: Callable[[str], Any]) -> Any:
        """``make(text)``, made once while ``text`` is among the most recently used."""
        if len(text) < self.smallest:
            return make(text)
        key = str(id(text))
        entry = self.copies.get(key)
        if entry is not None and entry[0] is text:
            return entry[1]
        made = make(text)
        self.copies.put(key, (text, made))
        return made


_utf8 = Encoded(64)


def language_part() -> str:
    """What a shared copy's key needs to say about language: with ``LANGUAGE_FROM_BROWSER``
    each reader's texts (relative times, Django's month names) are in their browser's
    language, so copies are kept per language; otherwise everyone gets the site's."""
    if settings.LANGUAGE_FROM_BROWSER:
        return translation.get_language() or ""
    return ""


def utf8(text: str) -> bytes:
    """``text.encode()``, kept for the strings the local copies hand out again and again."""
    data: bytes = _utf8.get(text, str.encode)
    return data


# The scopes a request read, by its ``remember_versions`` key: fetched first next time.
_likely_scopes: LocalCopies[tuple[str, ...]] = LocalCopies(2000)
# Fragments by versioned key: (expiry time, HTML).
_recent: LocalCopies[tuple[float, str]] = LocalCopies(256)
# The last HTML of each fragment this process used, by name whatever its version: what its
# other threads serve while one of them renders the next version.
_last: LocalCopies[str] = LocalCopies(256)
# One lock per fragment name, so one thread per process renders it at a time.
_render_locks: dict[str, threading.Lock] = {}
_render_locks_guard = threading.Lock()


def cached_fragment(name: str, scopes: list[str], render: Callable[[], str], *, timeout: int) -> str:
    """``render()``'s HTML, shared by every process until one of ``scopes`` is bumped.

    ``name`` must say everything else the HTML depends on (page, host, sort...). ``timeout``
    bounds how stale time-dependent parts ("5 minutes ago") may get. A renderer that finds
    its HTML personal raises ``NotShared(html)``: that HTML is returned and not stored.
    While one thread of a process renders a purged or timed-out fragment, the process's
    other readers of it get the copy before (at most one render's time behind).
    """
    try:
        if not settings.MASTHEAD_FRAGMENT_CACHE:
            return render()
        language = language_part()
        if language:
            name = f"{name}\nlanguage:{language}"
        digest = hashlib.blake2s(name.encode(), digest_size=12).hexdigest()
        key = f"frag:v2:{digest}:{versions(scopes)}"
        recent = _recent.get(key)
        if recent is not None and recent[0] > time.time():
            return recent[1]
        entry = cache.get(key)
        if entry is None:
            lock = _render_lock(digest)
            if lock.acquire(blocking=False):
                try:
                    entry = _render_and_store(key, render, timeout)
                finally:
                    lock.release()
            else:
                # Another thread of this process is rendering it (a purge or a timeout
                # sends every concurrent reader here at once): serve the copy before it,
                # one change or one timeout older, rather than render it again meanwhile.
                last = _last.get(digest)
                if last is not None:
                    return last
                with lock:
                    entry = cache.get(key)
                if entry is None:
                    entry = _render_and_store(key, render, timeout)
        _recent.put(key, (entry[0], entry[1]))
        _last.put(digest, str(entry[1]))
        return str(entry[1])
    except NotShared as personal:
        return personal.html


def _render_and_store(key: str, render: Callable[[], str], timeout: int) -> tuple[float, str]:
    entry = (time.time() + timeout, render())
    cache.set(key, entry, timeout=timeout)
    return entry


def _render_lock(digest: str) -> threading.Lock:
    with _render_locks_guard:
        lock = _render_locks.get(digest)
        if lock is None:
            if len(_render_locks) >= 4096:
                # Forgetting a lock in use costs at most one render more.
                _render_locks.clear()
            lock = _render_locks[digest] = threading.Lock()
        return lock
