"""Every write a reader makes through moderation is rate-limited per account and per network."""

from __future__ import annotations

import json
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from masthead.core.models import RateCount
from masthead.core.ratelimit import Limit
from masthead.moderation import limits


@pytest.fixture
def tight(monkeypatch):  # type: ignore[no-untyped-def]
    for scope in limits.LIMITS:
        monkeypatch.setitem(limits.LIMITS, scope, Limit(2, 3600))


@pytest.fixture
def comments(post, commenter, trusted, no_model):  # type: ignore[no-untyped-def]
    return [post(commenter, f"Comment {n} on the harbour tax.") for n in range(4)]


def _report(client, comment):  # type: ignore[no-untyped-def]
    return client.post(reverse("moderation:report", args=["comment", comment.pk]), {"reason": "spam"})


def _check_report_limit(client, reader, comments) -> None:  # type: ignore[no-untyped-def]
    client.force_login(reader)
    assert [_report(client, c).status_code for c in comments[:3]] == [302, 302, 429]
    too_many = _report(client, comments[3])
    assert too_many.status_code == 429
    assert too_many["Retry-After"] == "3600"
    assert "Please wait a while" in too_many.content.decode()


def test_reports_are_limited_per_account(client, reader, comments, tight) -> None:
    _check_report_limit(client, reader, comments)


def test_the_limit_is_shared_by_a_network(client, reader, editor, comments, tight) -> None:
    client.force_login(reader)
    _report(client, comments[0])
    other = client.__class__(REMOTE_ADDR="127.0.0.99")  # same /24 network, another account
    other.force_login(editor)
    assert _report(other, comments[1]).status_code == 302
    assert _report(other, comments[2]).status_code == 429
    elsewhere = client.__class__(REMOTE_ADDR="10.1.2.3")
    elsewhere.force_login(editor)
    # The account itself is over its limit too.
    assert _report(elsewhere, comments[3]).status_code == 429


def test_api_answers_429_with_json(client, reader, comments, tight) -> None:
    client.force_login(reader)
    codes = [
        client.post(
            "/api/moderation/reports",
            data=json.dumps({"object_id": c.pk, "reason": "spam"}),
            content_type="application/json",
        ).status_code
        for c in comments[:3]
    ]
    assert codes == [201, 201, 429]
    assert [client.get("/api/moderation/me/data").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/moderation/me/data")
    assert (response.status_code, response.json()) == (429, {"detail": "Too many requests; try again later."})


def test_downloads_appeals_and_deletion_are_limited(client, reader, tight) -> None:
    client.force_login(reader)
    codes = [client.get(reverse("moderation:my_data_download")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    codes = [
        client.post(reverse("moderation:delete_account"), {"password": "wrong", "confirm": "on"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_limits_are_counted_in_the_database_without_redis(settings, client, reader, comments, tight) -> None:
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("this run uses Redis; see test_limits_use_redis")
    assert settings.CACHES["default"]["BACKEND"] == "masthead.config.dbcache.DatabaseCache"
    _check_report_limit(client, reader, comments)
    counts = dict(RateCount.objects.values_list("name", "count"))
    window = int(time.time() // 3600)
    assert counts == {
        f"rl:moderation.report:user:{reader.pk}:{window}": 4,
        f"rl:moderation.report:net:127.0.0.0/24:{window}": 4,
    }


@pytest.mark.redis
def test_limits_use_redis(settings, client, reader, comments, tight) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "masthead.config.rediscache.RedisCache"
    _check_report_limit(client, reader, comments)
    assert any(
        key.startswith(b"masthead:1:rl:moderation.report:") for key in cache._cache.get_client().keys("*")
    )


def test_account_writes_are_limited_per_network(client, db, monkeypatch) -> None:
    from masthead.moderation import middleware

    monkeypatch.setitem(middleware.ACCOUNT_LIMITS, "account_login", Limit(2, 600))
    url = reverse("account_login")
    attempts = [
        client.__class__(REMOTE_ADDR=f"192.0.2.{n}").post(
            url, {"login": f"x{n}@example.org", "password": "no"}
        )
        for n in range(3)
    ]
    assert [response.status_code for response in attempts] == [200, 200, 429]
    assert attempts[2]["Retry-After"] == "600"
    # Another network is not affected.
    other = client.__class__(REMOTE_ADDR="198.51.100.7").post(
        url, {"login": "y@example.org", "password": "no"}
    )
    assert other.status_code == 200
    assert client.get(url).status_code == 200  # only writes count
