"""The embeddable discussion over HTTP: origins, CSP, tokens, token-authorised writes, script size."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client
from django.utils.html import escape

from masthead.discussion.embed import services as embed
from masthead.discussion.embed.models import EmbedOrigin, origin_of
from masthead.discussion.models import Comment, Thread

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "src/masthead/discussion/static/discussion"
PAGE = "https://blog.example.org/2026/floods?utm=x#top"
FRAME = "/discussion/embed/frame"


@pytest.fixture
def allowed(db):  # type: ignore[no-untyped-def]
    return EmbedOrigin.objects.create(origin="https://blog.example.org", label="Valley blog")


def _token(user, thread) -> str:  # type: ignore[no-untyped-def]
    return embed.embed_token_issue(user=user, thread=thread, origin="https://blog.example.org")


def test_origin_of_normalises():
    assert origin_of("HTTPS://Blog.Example.org:443/a?b#c") == "https://blog.example.org"
    assert origin_of("http://localhost:8001/x") == "http://localhost:8001"
    assert origin_of("javascript:alert(1)") == ""
    assert origin_of("https://bad:port/") == ""


def test_unknown_origin_is_refused_and_no_thread_is_made(client):
    response = client.get(FRAME, {"url": "https://evil.example.net/page"})
    assert response.status_code == 403
    assert b"cannot be embedded on https://evil.example.net" in response.content
    assert Thread.objects.count() == 0
    as_json = client.get(FRAME, {"url": "https://evil.example.net/page"}, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 403
    assert as_json.json() == {"error": "Discussions cannot be embedded on https://evil.example.net."}


def test_disabled_origin_is_refused(client, allowed):
    allowed.enabled = False
    allowed.save()
    assert client.get(FRAME, {"url": PAGE}).status_code == 403


def test_env_fallback_allows_a_host(client, settings):
    settings.DISCUSSION_EMBED_HOSTS = ["static.example.com"]
    response = client.get(FRAME, {"url": "https://static.example.com/post/"})
    assert response.status_code == 200
    assert Thread.objects.get().url == "https://static.example.com/post/"


def test_bad_url_is_a_clear_400(client, allowed):
    response = client.get(FRAME, {"url": "https://blog.example.org/" + "a" * 600})
    assert response.status_code == 400
    assert client.get(FRAME).status_code == 403  # no url: no allowed origin


def test_frame_creates_thread_once_with_csp_and_no_cookies(client, allowed):
    response = client.get(FRAME, {"url": PAGE, "title": "Floods", "theme": "dark"})
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors https://blog.example.org" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "X-Frame-Options" not in response
    assert response.cookies == {} or all(not morsel.value for morsel in response.cookies.values())
    html = response.content.decode()
    assert 'data-theme="dark"' in html
    # Without JavaScript, links and forms open Masthead first-party in a new tab.
    assert '<base target="_blank">' in html
    assert "<script>" not in html and "style=" not in html
    client.get(FRAME, {"url": "https://blog.example.org/2026/floods"})
    thread = Thread.objects.get()
    assert thread.url == "https://blog.example.org/2026/floods"
    assert thread.title == "Floods"
    assert thread.page_id is None


def test_frame_shows_comments_and_sign_in(client, allowed, commenter):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    from masthead.discussion import services

    services.comment_create(thread=thread, author=commenter, body="From the valley, *warmly*.")
    response = client.get(FRAME, {"url": PAGE, "fragment": "1"})
    html = response.content.decode()
    assert "From the valley, <em>warmly</em>." in html
    assert "Sign in to comment" in html
    assert "<html" not in html


def test_refusal_page_is_framable_anywhere(client):
    response = client.get(FRAME, {"url": "https://evil.example.net/"})
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_signin_needs_login_then_consent_then_hands_off_once(client, allowed, commenter):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    key = embed.new_handoff_key()
    url = f"/discussion/embed/signin?thread={thread.pk}&key={key}"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(commenter)
    consent = client.get(url)
    assert consent.status_code == 200
    assert b"https://blog.example.org" in consent.content
    assert client.post("/discussion/embed/handoff", {"key": key}).json() == {"token": None}
    done = client.post(url)
    assert done.status_code == 200
    token = Client().post("/discussion/embed/handoff", {"key": key}).json()["token"]
    assert embed.embed_token_user(token=token, thread_id=thread.pk) == commenter
    # Collected once only.
    assert Client().post("/discussion/embed/handoff", {"key": key}).json() == {"token": None}


def test_signin_consent_is_csrf_protected(allowed, commenter):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    client = Client(enforce_csrf_checks=True)
    client.force_login(commenter)
    key = embed.new_handoff_key()
    response = client.post(f"/discussion/embed/signin?thread={thread.pk}&key={key}")
    assert response.status_code == 403
    assert embed.embed_handoff_take(key=key) is None


def test_signin_refuses_bad_key_and_page_threads(client, allowed, commenter, thread):
    client.force_login(commenter)
    embedded = embed.embed_thread_for_url(url=PAGE).thread
    assert client.get(f"/discussion/embed/signin?thread={embedded.pk}&key=short").status_code == 400
    # Article threads are not embeddable.
    assert client.get(f"/discussion/embed/signin?thread={thread.pk}&key={'k' * 30}").status_code == 404


def test_token_is_bound_to_thread_and_password(allowed, commenter):
    first = embed.embed_thread_for_url(url=PAGE).thread
    second = embed.embed_thread_for_url(url="https://blog.example.org/other").thread
    token = _token(commenter, first)
    with pytest.raises(embed.PermissionDenied):
        embed.embed_token_user(token=token, thread_id=second.pk)
    with pytest.raises(embed.PermissionDenied):
        embed.embed_token_user(token=token + "x", thread_id=first.pk)
    commenter.set_password("another horse 43")
    commenter.save()
    with pytest.raises(embed.PermissionDenied, match="no longer valid"):
        embed.embed_token_user(token=token, thread_id=first.pk)
    forged = signing.dumps({"u": commenter.pk, "t": first.pk}, salt="something else")
    with pytest.raises(embed.PermissionDenied):
        embed.embed_token_user(token=forged, thread_id=first.pk)


def _post(client: Client, thread: Thread, token: str, body: str, origin: str = "http://testserver", **data):  # type: ignore[no-untyped-def]
    headers = {"HTTP_ORIGIN": origin}
    if token:
        headers["HTTP_X_MASTHEAD_EMBED_TOKEN"] = token
    payload = {"body": body, "client_token": uuid.uuid4().hex, "action": "post", **data}
    return client.post(f"/discussion/embed/{thread.pk}/comment", payload, **headers)


def test_post_and_reply_with_token(allowed, commenter):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    client = Client(enforce_csrf_checks=True)
    token = _token(commenter, thread)
    response = _post(client, thread, token, "Hello from the blog.")
    assert response.status_code == 200, response.content
    comment = Comment.objects.get()
    assert response.json() == {"ok": True, "location": f"/c/{comment.pk}"}
    assert comment.author == commenter and comment.thread == thread
    reply = _post(client, thread, token, "And a reply.", parent=comment.pk)
    assert reply.status_code == 200
    assert Comment.objects.get(parent=comment).body_source == "And a reply."
    assert not response.cookies.get("sessionid") and not response.cookies.get("csrftoken")


def test_post_refused_without_token_cross_origin_or_for_other_thread(allowed, commenter, settings):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    other = embed.embed_thread_for_url(url="https://blog.example.org/other").thread
    client = Client()
    client.force_login(commenter)  # a session cookie grants nothing here
    anonymous = _post(client, thread, "", "No token.")
    # Guests are not allowed by default: without a token the reader is anonymous, sent to sign in.
    assert anonymous.status_code == 403
    assert anonymous.json() == {"error": "Please sign in first.", "signed_out": True}
    assert not Comment.objects.filter(author=commenter).exists()
    foreign = _post(client, thread, _token(commenter, thread), "Forged.", origin="https://evil.example.net")
    assert foreign.status_code == 403
    wrong = _post(client, other, _token(commenter, thread), "Elsewhere.")
    assert wrong.status_code == 403 and wrong.json()["signed_out"] is True
    assert Comment.objects.count() == 0


def test_invalid_post_returns_the_form_errors(allowed, commenter):
    thread = embed.embed_thread_for_url(url=PAGE).thread
    response = _post(Client(), thread, _token(commenter, thread), "")
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "field-error" in response.json()["html"]
    assert Comment.objects.count() == 0


def test_vote_with_token(allowed, commenter, reader):
    from masthead.discussion import services

    thread = embed.embed_thread_for_url(url=PAGE).thread
    comment = services.comment_create(thread=thread, author=commenter, body="Vote on me.")
    response = Client().post(
        f"/discussion/embed/comment/{comment.pk}/vote",
        {"value": "1"},
        HTTP_ORIGIN="http://testserver",
        HTTP_X_MASTHEAD_EMBED_TOKEN=_token(reader, thread),
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    comment.refresh_from_db()
    assert comment.upvotes == 1
    missing = Client().post(
        "/discussion/embed/comment/999999/vote", {"value": "1"}, HTTP_ORIGIN="http://testserver"
    )
    assert missing.status_code == 404


@pytest.mark.parametrize("name", ["embed.js", "embed-frame.js"])
def test_scripts_are_small(name):
    raw = (STATIC / name).read_bytes()
    assert len(gzip.compress(raw, compresslevel=9)) < 15 * 1024


def test_loader_sets_no_cookies():
    source = (STATIC / "embed.js").read_text()
    assert "cookie" not in source.replace("Sets no cookies", "")


ADMIN_LIST = "/admin/snippets/discussion/embedorigin/"


@pytest.mark.parametrize(
    ("persona", "allowed_in"),
    [("editor", True), ("admin_user", True), ("moderator", False), ("reader", False)],
)
def test_embedding_sites_admin_per_role(client, request, persona, allowed_in):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(ADMIN_LIST)
    if allowed_in:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


def test_editor_adds_an_embedding_site_normalised(client, editor):
    client.force_login(editor)
    response = client.post(
        ADMIN_LIST + "add/",
        {"origin": "HTTPS://Blog.Example.org:443/", "label": "Valley blog", "enabled": "on"},
    )
    assert response.status_code == 302
    assert EmbedOrigin.objects.get().origin == "https://blog.example.org"
    assert embed.origin_is_allowed(origin="https://blog.example.org")
    bad = client.post(ADMIN_LIST + "add/", {"origin": "https://blog.example.org/some/path", "enabled": "on"})
    assert bad.status_code == 200
    assert EmbedOrigin.objects.count() == 1


def _hostile_lines(limit: int = 30) -> list[str]:
    xss = Path("/work/shared/fixtures/xss/PayloadsAllTheThings/xss_alert_identifiable.txt")
    blns = Path("/work/shared/fixtures/naughty-strings/blns/blns.txt")
    lines = [line for line in xss.read_text(errors="replace").splitlines() if line.strip()][:limit]
    lines += [
        line for line in blns.read_text(errors="replace").splitlines() if line and not line.startswith("#")
    ][:limit]
    return lines


def test_hostile_titles_and_urls_are_escaped_or_refused(client, allowed, monkeypatch):
    from masthead.core.ratelimit import Limit
    from masthead.discussion.embed import views

    monkeypatch.setattr(views, "NEW_THREAD", Limit(1000, 3600))
    for n, text in enumerate(_hostile_lines()):
        response = client.get(FRAME, {"url": f"https://blog.example.org/p{n}", "title": text})
        assert response.status_code == 200
        html = response.content.decode()
        title = text.strip()[:255]
        if title:
            assert f"<title>Discussion: {escape(title)}</title>" in html
        if "<" in title:
            assert title not in html
        hostile_url = client.get(FRAME, {"url": text})
        assert hostile_url.status_code in (400, 403)


def test_new_threads_are_rate_limited_but_existing_ones_are_not(client, allowed, settings):
    from masthead.discussion.embed import views

    for n in range(views.NEW_THREAD.count):
        assert client.get(FRAME, {"url": f"https://blog.example.org/made-up-{n}"}).status_code == 200
    refused = client.get(FRAME, {"url": "https://blog.example.org/one-too-many"})
    assert refused.status_code == 429
    assert b"Too many new discussions" in refused.content
    assert Thread.objects.count() == views.NEW_THREAD.count
    assert client.get(FRAME, {"url": "https://blog.example.org/made-up-0"}).status_code == 200
