"""The embed in a real browser: a page on a second local site shows and posts to a Masthead thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from masthead.discussion import services
from masthead.discussion.embed.models import EmbedOrigin
from masthead.discussion.models import Comment, Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The valley blog</title></head>
<body><h1>Floods reach the valley</h1><p>A post on another site.</p>
<div data-masthead-discussion data-title="Floods on the blog"></div>
<script src="{masthead}/static/discussion/embed.js" async></script>
<noscript><a href="{masthead}/discussion/embed/frame?url={page}">Read and join the discussion</a></noscript>
</body></html>"""


@pytest.fixture
def host_site(live_server) -> Iterator[str]:
    """A second site (127.0.0.1 while Masthead is reached as localhost: another origin and site)."""
    masthead = live_server.url

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = f"http://127.0.0.1:{self.server.server_address[1]}/post.html"
            body = HOST_PAGE.format(masthead=masthead, page=page).encode()
            self.send_response(200 if self.path.startswith("/post.html") else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_embed_sign_in_post_reply_vote_and_live_update(
    browser, live_server, host_site, commenter, reader, settings, monkeypatch, output_dir
):
    from masthead.discussion import live

    settings.DISCUSSION_SSE_HOLD_SECONDS = 4
    monkeypatch.setattr(live, "POLL_SECONDS", 0.3)
    assert urlsplit(live_server.url).hostname == "localhost"
    EmbedOrigin.objects.create(origin=host_site, label="Test blog")
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(f"{host_site}/post.html")
        frame_element = page.locator("iframe[title=Discussion]")
        expect(frame_element).to_have_attribute(
            "src",
            f"{live_server.url}/discussion/embed/frame?"
            + "url=http%3A%2F%2F127.0.0.1%3A"
            + host_site.rsplit(":", 1)[1]
            + "%2Fpost.html&title=Floods+on+the+blog&theme=dark",
        )
        frame = page.frame_locator("iframe[title=Discussion]")
        expect(frame.locator("html[data-embed-ready=true]")).to_have_count(1)
        expect(frame.locator("html")).to_have_attribute("data-theme", "dark")
        expect(frame.locator(".no-comments")).to_have_text("No comments yet.")
        thread = Thread.objects.get()
        assert thread.url == f"{host_site}/post.html" and thread.title == "Floods on the blog"
        # The frame set no cookies for Masthead (a third party here).
        assert context.cookies(live_server.url) == []

        # Sign in, first-party, in a popup; the frame picks the sign-in up.
        with context.expect_page() as popup_info:
            frame.locator(".sign-in-to-comment a").click()
        popup = popup_info.value
        popup.wait_for_load_state()
        popup.locator("input[name=login]").fill(commenter.email)
        popup.locator("input[name=password]").fill("correct horse 42")
        popup.locator("main form button[type=submit]").first.click()
        popup.locator("button", has_text="Yes, comment there").click()
        expect(popup.locator("h1")).to_have_text("You can comment now")

        form = frame.locator("form#comment-form")
        expect(form.locator("textarea")).to_be_visible(timeout=10000)
        form.locator("textarea").fill("Posted from **the blog**.")
        form.locator("button[value=post]").click()
        posted = frame.locator("li.comment", has_text="Posted from the blog.")
        expect(posted).to_be_visible()
        comment = Comment.objects.get(thread=thread)
        assert (
            comment.author == commenter
            and comment.body_html == "<p>Posted from <strong>the blog</strong>.</p>"
        )

        # Reply in place.
        frame.locator(f"#comment-{comment.pk} > article .reply-link").click()
        inline = frame.locator(f"#comment-{comment.pk} > form.comment-form")
        inline.locator("textarea").fill("Answering myself.")
        inline.locator("button[value=post]").click()
        expect(frame.get_by_text("Answering myself.")).to_be_visible()
        assert Comment.objects.get(body_source="Answering myself.").parent_id == comment.pk

        # The frame grew to its content: no inner scrollbar, no fixed height.
        page.wait_for_function(
            "() => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - 480) > 20"
        )

        # Someone else's comment arrives while the reader watches.
        services.comment_create(thread=thread, author=reader, body="Posted while you read.")
        notice = frame.locator(".new-comments a")
        notice.wait_for(state="visible", timeout=8000)
        assert notice.inner_text() == "1 new comment — show"
        notice.click()
        expect(frame.get_by_text("Posted while you read.")).to_be_visible()
        other = Comment.objects.get(body_source="Posted while you read.")
        frame.locator(f"#comment-{other.pk} form.vote button.vote-up").click()
        expect(frame.locator(f"#comment-{other.pk} .vote-score")).to_have_text("1")
        other.refresh_from_db()
        assert other.upvotes == 1
        page.screenshot(path=str(output_dir / "discussion-embed.png"), full_page=True)
    finally:
        context.close()


def test_embed_on_an_unknown_site_is_refused(page, live_server, host_site):
    page.goto(f"{host_site}/post.html")
    frame = page.frame_locator("iframe[title=Discussion]")
    expect(frame.locator("h1")).to_have_text("Discussion not available")
    assert Thread.objects.count() == 0
