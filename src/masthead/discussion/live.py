"""Live updates: "N new comments" through Server-Sent Events.

Each thread has a cheap "last visible comment id" in the cache. A stream waits for it to
change: through Redis pub/sub when REDIS_URL is set (one channel per thread, so several
app servers fan out), otherwise by polling that cache key every couple of seconds. A
response streams for at most DISCUSSION_SSE_HOLD_SECONDS (it holds a gunicorn thread),
then the browser's EventSource reconnects with Last-Event-ID.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache, caches

from masthead.core import pagecache

logger = logging.getLogger(__name__)

POLL_SECONDS = 2.0
RETRY_MILLISECONDS = 5000
_redis_client = None


def _key(thread_id: int) -> str:
    return f"discussion:last:{thread_id}"


def _channel(thread_id: int) -> str:
    return f"masthead:discussion:{thread_id}"


def _redis():  # type: ignore[no-untyped-def]
    global _redis_client
    if _redis_client is None and settings.REDIS_URL:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client


# Purge the thread's pages (a new page-cache version, when given), raise the newest id (never
# lower it) and wake the streams, in one round trip. Django's Redis cache stores integers as
# plain numbers, so ``last_id`` and the page cache read them back through the cache.
_ANNOUNCE_SCRIPT = """
if KEYS[3] then redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3]) end
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', KEYS[2], ARGV[1])
"""
_script = None


def _announce_in_redis(thread_id: int, comment_id: int, purge_scope: str | None) -> bool:
    """``announce`` as one script when the cache is Redis; False when it is not."""
    global _script
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return False
    client = backend._cache.get_client(write=True)
    if _script is None:
        _script = client.register_script(_ANNOUNCE_SCRIPT)
    keys = [backend.make_and_validate_key(_key(thread_id)), _channel(thread_id)]
    args: list[int] = [comment_id]
    if purge_scope is not None:
        version_key, version, timeout = pagecache.next_version(purge_scope)
        keys.append(backend.make_and_validate_key(version_key))
        args += [version, timeout]
    _script(keys=keys, args=args, client=client)
    return True


def announce(
    thread_id: int, comment_id: int, *, newest: bool = False, purge_scope: str | None = None
) -> None:
    """Record the newest comment id of a thread and wake its streams; with ``purge_scope``,
    bump that page-cache scope first (``pagecache.bump``), in the same round trip on Redis."""
    if settings.REDIS_URL:
        try:
            if _announce_in_redis(thread_id, comment_id, purge_scope):
                return
        except Exception:
            logger.warning("could not announce a comment of thread %s", thread_id, exc_info=True)
            # The purge must not be lost with the announcement: stale pages would stay.
            if purge_scope is not None:
                pagecache.bump(purge_scope)
            return
    if purge_scope is not None:
        pagecache.bump(purge_scope)
    if newest or comment_id > (cache.get(_key(thread_id)) or 0):
        cache.set(_key(thread_id), comment_id, timeout=None)
    client = _redis()
    if client is not None:
        try:
            client.publish(_channel(thread_id), str(comment_id))
        except Exception:
            logger.warning("could not publish the live update of thread %s", thread_id, exc_info=True)


def last_id(thread_id: int, fallback: int) -> int:
    value = cache.get(_key(thread_id))
    if value is None:
        cache.set(_key(thread_id), fallback, timeout=None)
        return fallback
    return int(value)


def event(name: str, data: dict, event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {name}")
    lines.append(f"data: {json.dumps(data)}")
    return "\n".join(lines) + "\n\n"


def wait_for_change(thread_id: int, seen: int, fallback: int, hold_seconds: float) -> Iterator[int]:
    """Yield the thread's newest comment id each time it moves past ``seen``, for ``hold_seconds``.

    Yields 0 now and then as a heartbeat, so a dead client is noticed by the server.
    """
    deadline = time.monotonic() + hold_seconds
    client = _redis()
    if client is not None:
        yield from _wait_redis(client, thread_id, seen, fallback, deadline)
        return
    while time.monotonic() < deadline:
        newest = last_id(thread_id, fallback)
        if newest > seen:
            seen = newest
            yield newest
        else:
            yield 0
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def _wait_redis(client, thread_id: int, seen: int, fallback: int, deadline: float) -> Iterator[int]:  # type: ignore[no-untyped-def]
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(_channel(thread_id))
        # A comment may have landed between the page render and the subscription.
        newest = last_id(thread_id, fallback)
        if newest > seen:
            seen = newest
            yield newest
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=min(5.0, max(0.05, deadline - time.monotonic())))
            if message is None:
                yield 0
                continue
            newest = int(message["data"])
            if newest > seen:
                seen = newest
                yield newest
    finally:
        pubsub.close()
