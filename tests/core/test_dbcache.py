"""The database cache (used without Redis): one statement per write, atomic increments."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.config import dbcache


@pytest.fixture
def cache(settings, db):  # type: ignore[no-untyped-def]
    if not settings.CACHES["default"]["BACKEND"].endswith("dbcache.DatabaseCache"):
        pytest.skip("this run uses Redis")
    return caches["default"]


def test_set_add_and_incr_behave_like_djangos(cache) -> None:  # type: ignore[no-untyped-def]
    cache.set("k", {"a": 1})
    cache.set("k", {"a": 2})
    assert cache.get("k") == {"a": 2}
    assert cache.add("k", "other") is False and cache.get("k") == {"a": 2}
    assert cache.add("n", 0, timeout=60) is True
    assert cache.incr("n") == 1 and cache.incr("n", 5) == 6 and cache.decr("n") == 5
    assert cache.get("n") == 5
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    cache.set("old", 1, timeout=1)
    time.sleep(2.1)
    assert cache.get("old") is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("old")
    assert cache.add("old", 7) is True and cache.get("old") == 7
    assert cache.touch("old", 60) is True


def test_a_write_is_one_statement_and_incr_keeps_the_expiry(cache) -> None:  # type: ignore[no-untyped-def]
    cache.set("warm", 1)  # the first write of a process may count the table for culling
    with CaptureQueriesContext(connection) as captured:
        cache.set("k", 1)
    assert len(captured.captured_queries) == 1
    with CaptureQueriesContext(connection) as captured:
        assert cache.add("counter", 0, timeout=30) is True
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SELECT", "INSERT"]
    with CaptureQueriesContext(connection) as captured:
        assert cache.add("counter", 0, timeout=30) is False
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SELECT"]  # no write
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM masthead_cache WHERE cache_key LIKE %s", ["%:counter"])
        before = cursor.fetchone()[0]
        cache.incr("counter")
        cursor.execute("SELECT expires FROM masthead_cache WHERE cache_key LIKE %s", ["%:counter"])
        assert cursor.fetchone()[0] == before


def test_the_table_is_still_culled(cache, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "_max_entries", 10)
    for n in range(12):
        cache.set(f"k{n}", n)
    cache._next_cull_check = 0.0
    cache.set("one-more", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM masthead_cache")
        assert cursor.fetchone()[0] <= 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_not_lost(settings) -> None:  # type: ignore[no-untyped-def]
    if not settings.CACHES["default"]["BACKEND"].endswith("dbcache.DatabaseCache"):
        pytest.skip("this run uses Redis")
    cache = caches["default"]
    cache.add("shared", 0, timeout=60)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(20):
                cache.incr("shared")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and cache.get("shared") == 80
    assert dbcache.CULL_CHECK_SECONDS > 0


def test_reads_skip_expired_entries_on_either_database(settings, db) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    # A cache of its own, so the PostgreSQL run (whose default cache is Redis) tests it too.
    settings.CACHES = {
        **settings.CACHES,
        "probe": {"BACKEND": "masthead.config.dbcache.DatabaseCache", "LOCATION": "masthead_probe_cache"},
    }
    call_command("createcachetable", "masthead_probe_cache", verbosity=0)
    cache = caches["probe"]
    cache.set("live", {"ü": [1, 2]}, timeout=60)
    cache.set("forever", "v", timeout=None)
    cache.set("gone", 1, timeout=1)
    assert cache.get_many(["live", "forever", "gone", "never"]) == {
        "live": {"ü": [1, 2]},
        "forever": "v",
        "gone": 1,
    }
    with CaptureQueriesContext(connection) as captured:
        assert cache.get("live") == {"ü": [1, 2]} and cache.get("never", "default") == "default"
    assert len(captured.captured_queries) == 2
    time.sleep(2.1)
    assert cache.get_many(["live", "forever", "gone"]) == {"live": {"ü": [1, 2]}, "forever": "v"}
    assert cache.get("gone") is None and cache.get_many([]) == {}
