"""Page-cache versions are fetched once per read request (pagecache.remember_versions)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from masthead.core import pagecache


@pytest.fixture
def remembering():  # type: ignore[no-untyped-def]
    pagecache.remember_versions(True)
    yield
    pagecache.remember_versions(False)


@pytest.mark.django_db
def test_a_request_keeps_the_versions_it_read(remembering) -> None:  # type: ignore[no-untyped-def]
    first = pagecache.version("memo-a")
    token = pagecache.versions(["memo-a", "memo-b"])
    # Another process bumps both meanwhile: this request goes on with what it read.
    cache.set("pv:memo-a", "elsewhere-a")
    cache.set("pv:memo-b", "elsewhere-b")
    assert pagecache.version("memo-a") == first
    assert pagecache.versions(["memo-a", "memo-b"]) == token
    pagecache.remember_versions(False)
    # The next request sees them.
    assert pagecache.version("memo-a") == "elsewhere-a"
    assert pagecache.versions(["memo-a", "memo-b"]) != token


@pytest.mark.django_db
def test_its_own_bump_and_prefetch(remembering) -> None:  # type: ignore[no-untyped-def]
    cache.set("pv:memo-c", "stored-c")
    pagecache.prefetch(["memo-c", "memo-d"])
    cache.set("pv:memo-c", "elsewhere-c")
    assert pagecache.version("memo-c") == "stored-c"
    before = pagecache.versions(["memo-c"])
    pagecache.bump("memo-c")
    assert pagecache.version("memo-c") == cache.get("pv:memo-c") != "stored-c"
    assert pagecache.versions(["memo-c"]) != before
    # A scope with no version yet gets one, kept for the rest of the request.
    made = pagecache.version("memo-d")
    assert made == cache.get("pv:memo-d")


@pytest.mark.django_db
def test_nothing_is_remembered_outside_a_request() -> None:
    pagecache.prefetch(["memo-e"])
    pagecache.version("memo-e")
    cache.set("pv:memo-e", "elsewhere-e")
    assert pagecache.version("memo-e") == "elsewhere-e"


@pytest.mark.django_db
def test_a_request_that_starts_with_several_scopes_keeps_them(remembering) -> None:  # type: ignore[no-untyped-def]
    cache.set("pv:memo-f", "stored-f")
    token = pagecache.versions(["memo-f", "memo-g"])
    cache.set("pv:memo-f", "elsewhere-f")
    cache.set("pv:memo-g", "elsewhere-g")
    assert pagecache.versions(["memo-f", "memo-g"]) == token


@pytest.mark.django_db
def test_a_path_read_again_fetches_its_scopes_in_one_round_trip(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache.set("pv:memo-h", "stored-h")
    pagecache.remember_versions(True, key="example.org/memo/")
    pagecache.version("memo-h")
    pagecache.versions(["memo-i", "memo-j"])
    pagecache.remember_versions(False)
    cache.set("pv:memo-h", "elsewhere-h")
    reads: list[str] = []
    for name in ("get", "get_many"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _real=real, _name=name, **k: reads.append(_name) or _real(*a, **k)
        )
    # The next request for the same path reads all three at once, and their current values.
    pagecache.remember_versions(True, key="example.org/memo/")
    assert pagecache.version("memo-h") == "elsewhere-h"
    token = pagecache.versions(["memo-i", "memo-j"])
    pagecache.remember_versions(False)
    assert reads == ["get_many"]
    assert pagecache.versions(["memo-i", "memo-j"]) == token
    # Another path starts with nothing fetched.
    pagecache.remember_versions(True, key="example.org/other/")
    assert pagecache._remembered() == {}
    pagecache.remember_versions(False)
