"""masthead.config.rediscache: Django's Redis cache, one client per pool, shared by threads."""

from __future__ import annotations

import threading

import pytest


@pytest.mark.redis
def test_the_cache_keeps_one_client_and_works_across_threads(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "masthead.config.rediscache.RedisCache"
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for round_ in range(50):
                cache.set(f"rediscache-test:{number}", round_, timeout=30)
                assert cache.get(f"rediscache-test:{number}") == round_
                assert cache.incr(f"rediscache-test:{number}") == round_ + 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get_many([f"rediscache-test:{number}" for number in range(8)]) == {
        f"rediscache-test:{number}": 50 for number in range(8)
    }
    assert cache._cache.get_client() is client
