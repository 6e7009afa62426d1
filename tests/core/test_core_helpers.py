import time

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from masthead.core import pagecache, periodic, ratelimit, slots


@pytest.mark.django_db
def test_health_answers_ok_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_responses_carry_a_strict_csp_without_inline_script(client):
    csp = client.get("/healthz")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_admin_gets_its_own_policy(client):
    csp = client.get("/admin/login/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp


def test_slot_renders_registered_renderers_in_order():
    slots.register("test_slot", lambda context: "<b>second</b>", order=20)
    slots.register("test_slot", lambda context: f"<i>{context['who']}</i>", order=10)
    html = Template('{% load masthead_core %}{% slot "test_slot" %}|{% slot "nobody" %}').render(
        Context({"who": "first"})
    )
    assert html == "<i>first</i><b>second</b>|"


def test_holes_are_filled_in_page_order_as_utf8_and_the_frame_is_split_once():
    shared = "<p>Σχόλια " + "ü" * 2000 + "</p>"  # one string object, as a local copy is
    slots.register("test_hole_a", lambda context: shared)
    slots.register("test_hole_b", lambda context: f"<b>{context['who']}</b>")
    marker_a, marker_b = slots.hole_marker("test_hole_a"), slots.hole_marker("test_hole_b")
    frame = "<main>—" + "x" * 3000 + marker_b + "<hr>" + marker_a + "<footer>" + marker_a + "</footer></main>"
    names = ("test_hole_a", "test_hole_b", "test_hole_missing")
    expected = frame.replace(marker_a, shared, 1).replace(marker_b, "<b>Ελένη</b>", 1)
    body = slots.fill_holes(frame, Context({"who": "Ελένη"}), names)
    assert body == expected.encode() and marker_a in body.decode()  # the first marker only
    parts = slots.frame_parts(frame, names)
    assert [part for part in parts if isinstance(part, str)] == ["test_hole_b", "test_hole_a"]
    assert slots.frame_parts(frame, names) is parts  # kept while the frame is in use
    # An equal string that is another object is split afresh, never mistaken for it.
    copy = "".join(list(frame))
    assert copy == frame and copy is not frame
    assert slots.frame_parts(copy, names) == parts and slots.frame_parts(copy, names) is not parts
    assert slots.fill_holes("<p>no holes</p>", Context({}), names) == b"<p>no holes</p>"


def test_encoded_copies_follow_the_string_object_and_stay_bounded():
    encoded = pagecache.Encoded(2, smallest=4)
    calls: list[str] = []

    def make(text: str) -> bytes:
        calls.append(text)
        return text.encode()

    first, second, third = "ä" * 10, "ö" * 10, "å" * 10
    assert encoded.get(first, make) == first.encode()
    assert encoded.get(first, make) == first.encode() and len(calls) == 1
    encoded.get(second, make)
    encoded.get(third, make)  # the least recently used (first) goes
    assert encoded.get(first, make) == first.encode() and len(calls) == 4
    assert encoded.get("abc", make) == b"abc" and encoded.get("abc", make) == b"abc"
    assert calls[-2:] == ["abc", "abc"]  # short strings are not kept


@pytest.mark.django_db
def test_rate_limit_counts_per_key_and_refuses_past_the_limit():
    limit = ratelimit.Limit(count=3, seconds=60)
    assert [ratelimit.hit("t", ["a"], limit) for _ in range(4)] == [True, True, True, False]
    assert ratelimit.hit("t", ["b"], limit) is True
    assert ratelimit.hit("other", ["a"], limit) is True


@pytest.mark.django_db
def test_rate_limit_refuses_when_any_key_is_over_and_counts_every_key_each_time():
    limit = ratelimit.Limit(count=2, seconds=60)
    assert ratelimit.hit("t", ["net:x", "user:1"], limit) is True
    assert ratelimit.hit("t", ["net:x", "user:2"], limit) is True
    # user:3 is new, but the network has had its two.
    assert ratelimit.hit("t", ["net:x", "user:3"], limit) is False
    assert ratelimit.hit("t", ["user:3"], limit) is True
    assert ratelimit.hit("t", ["user:3"], limit) is False
    assert ratelimit.hit("t", [], limit) is True


@pytest.mark.django_db
def test_rate_limit_windows_end_and_their_database_counts_are_dropped(settings, monkeypatch):
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("this run counts in Redis, where keys expire by themselves")
    from masthead.core.models import RateCount

    limit = ratelimit.Limit(count=1, seconds=60)
    clock = [6_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    assert ratelimit.hit("t", ["a"], limit) is True
    assert ratelimit.hit("t", ["a"], limit) is False
    clock[0] += 60  # the next window
    assert ratelimit.hit("t", ["a"], limit) is True
    assert RateCount.objects.count() == 2
    assert ratelimit.delete_expired() == 0  # the first window ends as the second starts
    clock[0] += 1
    assert ratelimit.delete_expired() == 1
    assert list(RateCount.objects.values_list("name", "count")) == [("rl:t:a:101", 1)]
    assert RateCount.objects.get().expires_at == 102 * 60


@pytest.mark.redis
@pytest.mark.django_db
def test_rate_limit_keys_expire_in_redis(settings):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    limit = ratelimit.Limit(count=5, seconds=60)
    assert ratelimit.hit("ttl", ["a"], limit) is True
    assert ratelimit.hit("ttl", ["a"], limit) is True
    window = int(time.time() // 60)
    key = cache.make_and_validate_key(f"rl:ttl:a:{window}")
    client = cache._cache.get_client()
    assert int(client.get(key)) == 2
    assert 0 < client.ttl(key) <= 61
    # A Redis restart (or SCRIPT FLUSH) forgets the counting script: it is loaded again.
    client.script_flush()
    assert ratelimit.hit("ttl", ["a", "b"], limit) is True
    assert int(client.get(key)) == 3
    assert int(client.get(cache.make_and_validate_key(f"rl:ttl:b:{window}"))) == 1


@pytest.mark.django_db
def test_rate_limit_keys_use_ip_network_and_account(reader):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
    request.user = reader
    assert ratelimit.request_keys(request) == ["net:203.0.113.0/24", f"user:{reader.pk}"]


def test_ip_network_groups_ipv6_by_64_and_survives_garbage():
    assert ratelimit.ip_network("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ratelimit.ip_network("not an ip") == "invalid"


def test_client_ip_trusts_forwarded_for_only_from_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    settings.MASTHEAD_TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.MASTHEAD_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "198.51.100.9"


@pytest.mark.django_db
def test_page_cache_token_changes_only_when_a_scope_it_depends_on_is_bumped():
    before = pagecache.versions(["site", "page:1"])
    assert pagecache.versions(["site", "page:1"]) == before
    pagecache.bump("page:2")
    assert pagecache.versions(["site", "page:1"]) == before
    pagecache.bump("page:1")
    assert pagecache.versions(["site", "page:1"]) != before


@pytest.mark.django_db
def test_periodic_job_runs_once_per_interval_however_many_processes_ask():
    calls = []
    periodic.register("test-job", lambda: calls.append(1), every_seconds=60)
    try:
        assert "test-job" in periodic.run_due(now=6000.0)
        assert "test-job" not in periodic.run_due(now=6001.0)
        assert "test-job" in periodic.run_due(now=6060.0)
        assert calls == [1, 1]
    finally:
        periodic._jobs.pop("test-job")


def test_a_purged_fragment_is_rendered_by_one_thread_while_the_others_serve_the_copy_before(settings):
    import threading

    # Threads share a process-local cache here; the test database is not shared across them.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MASTHEAD_FRAGMENT_CACHE = True
    rendered: list[str] = []
    release = threading.Event()

    def render(html: str, *, slow: bool = False):  # type: ignore[no-untyped-def]
        def _render() -> str:
            rendered.append(html)
            if slow:
                release.wait(5)
            return html

        return _render

    def fetch(results: list[str], html: str) -> None:
        results.append(
            pagecache.cached_fragment("herd-test", ["page:herd"], render(html, slow=True), timeout=60)
        )

    # No copy yet: the others wait for the one render and share it.
    first: list[str] = []
    readers = [threading.Thread(target=fetch, args=(first, "v1")) for _ in range(6)]
    for reader in readers:
        reader.start()
    time.sleep(0.3)
    release.set()
    for reader in readers:
        reader.join(5)
    assert rendered == ["v1"] and first == ["v1"] * 6

    # After a purge, one thread renders the new version; the others get the copy before it
    # at once instead of rendering it again.
    release.clear()
    rendered.clear()
    pagecache.bump("page:herd")
    second: list[str] = []
    readers = [threading.Thread(target=fetch, args=(second, "v2")) for _ in range(6)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 5
    while len(second) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert second == ["v1"] * 5 and rendered == ["v2"]
    release.set()
    for reader in readers:
        reader.join(5)
    assert sorted(second) == ["v1"] * 5 + ["v2"]
    assert pagecache.cached_fragment("herd-test", ["page:herd"], render("v3"), timeout=60) == "v2"
