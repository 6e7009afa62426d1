"""Live updates: the SSE stream announces new comments, through the cache poll or Redis pub/sub."""

from __future__ import annotations

import threading
import time

import pytest

from masthead.discussion import live


def _read(response, limit: int = 20) -> str:
    chunks = []
    for chunk in response.streaming_content:
        chunks.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
        if "event: comments" in "".join(chunks) or len(chunks) >= limit:
            break
    return "".join(chunks)


def test_stream_reports_comments_newer_than_last_event_id(
    client, thread, post, reader, settings, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_SSE_HOLD_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        first = post(reader, "Before the reader arrived.")
        post(reader, "New one.")
        post(reader, "Another new one.")
    response = client.get(f"/discussion/{thread.pk}/events", headers={"Last-Event-ID": str(first.pk)})
    assert response["Content-Type"] == "text/event-stream"
    text = _read(response)
    assert "retry: 5000" in text
    assert 'event: comments\ndata: {"count": 2' in text
    assert f"id: {first.pk}" in text


def test_stream_waits_then_announces(
    client, thread, post, reader, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_SSE_HOLD_SECONDS = 5
    # The announcing thread cannot see the test's uncommitted database cache rows; a
    # process-local cache stands in for the shared one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(live, "POLL_SECONDS", 0.1)
    response = client.get(f"/discussion/{thread.pk}/events?after=0")

    def later():
        time.sleep(0.4)
        live.announce(thread.pk, 10**9)

    worker = threading.Thread(target=later)
    worker.start()
    started = time.monotonic()
    text = _read(response, limit=200)
    worker.join()
    assert "event: comments" in text
    assert time.monotonic() - started < 5


def test_bad_last_event_id_is_400(client, thread):
    assert client.get(f"/discussion/{thread.pk}/events", headers={"Last-Event-ID": "abc"}).status_code == 400


@pytest.mark.redis
def test_redis_pubsub_wakes_the_stream(thread, settings):
    settings.REDIS_URL = settings.REDIS_URL or ""
    stream = live.wait_for_change(thread.pk, seen=0, fallback=0, hold_seconds=3)
    threading.Timer(0.3, lambda: live.announce(thread.pk, 42)).start()
    values = []
    for value in stream:
        values.append(value)
        if value:
            break
    assert values[-1] == 42


@pytest.mark.redis
def test_redis_announce_only_raises_the_newest_id(thread, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    live.announce(thread.pk, 50)
    live.announce(thread.pk, 40)
    assert live.last_id(thread.pk, 0) == 50
    live.announce(thread.pk, 60)
    assert live.last_id(thread.pk, 0) == 60


@pytest.mark.parametrize("redis", [pytest.param(True, marks=pytest.mark.redis), False])
def test_announcing_with_a_purge_bumps_the_page_version_in_the_same_write(thread, settings, redis):  # type: ignore[no-untyped-def]
    from masthead.core import pagecache

    if redis:
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    scope = f"page:{thread.page_id}"
    before = pagecache.versions([scope])
    live.announce(thread.pk, 70, purge_scope=scope)
    after = pagecache.versions([scope])
    assert after != before and live.last_id(thread.pk, 0) == 70
    live.announce(thread.pk, 71)
    assert pagecache.versions([scope]) == after


def test_approving_an_older_comment_does_not_move_the_newest_id_back(
    thread, post, reader, commenter, moderator, settings, django_capture_on_commit_callbacks
):
    from masthead.discussion.services import comment_set_status

    settings.MODERATION_MODE = "trust"
    settings.MODERATION_NEW_COMMENTER_HOLD = 0
    with django_capture_on_commit_callbacks(execute=True):
        held = post(reader, "Waiting for a moderator.")
    comment_set_status(comment=held, status="pending", actor=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        newer = post(reader, "Published after it.")
    assert live.last_id(thread.pk, 0) == newer.pk
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=held, status="visible", actor=moderator)
    assert live.last_id(thread.pk, 0) == newer.pk
