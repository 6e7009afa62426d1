"""The discussion in a real browser (Debian's chromium), with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from masthead.discussion import services
from masthead.discussion.generation import thread_generate
from masthead.discussion.models import Comment

# live_server flushes the database after each test; serialized rollback brings back the
# rows migrations made (Wagtail's root page and locale).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _post_form(page, text: str) -> None:
    form = page.locator("form#comment-form")
    form.locator("textarea").fill(text)
    form.locator("button[value=post]").click()
    page.wait_for_load_state()


def test_whole_flow_without_javascript(
    page_nojs, live_server, news_article, reader, commenter, output_dir, settings
):
    settings.DISCUSSION_PREVIEW_DEPTH = 4  # the whole chain on the article's first page
    page = page_nojs
    _sign_in(page, live_server, reader)
    page.goto(live_server.url + news_article.url)
    _post_form(page, "Level zero, posted without JavaScript.")
    texts = ["Level one.", "Level two.", "Level three.", "Level four."]
    for text in texts:
        last = Comment.objects.order_by("-id").first()
        page.locator(f"#comment-{last.pk} > article .reply-link").click()
        page.wait_for_load_state()
        _post_form(page, text)
    comments = list(Comment.objects.order_by("id"))
    assert [c.depth for c in comments] == [0, 1, 2, 3, 4]
    page.goto(live_server.url + news_article.url)
    lefts = [page.locator(f"#comment-{c.pk} > article").bounding_box()["x"] for c in comments]
    assert lefts[0] < lefts[1] < lefts[2] < lefts[3] < lefts[4]
    # The reply's element sits inside its parent's element.
    assert page.locator(f"#comment-{comments[0].pk} #comment-{comments[4].pk}").count() == 1
    page.screenshot(path=str(output_dir / "discussion-nojs-nested.png"), full_page=True)

    # Edit the deepest comment.
    page.locator(f"#comment-{comments[4].pk} > article .edit-link").click()
    page.locator("textarea[name=body]").fill("Level four, edited.")
    page.locator("button", has_text="Save changes").click()
    page.wait_for_load_state()
    assert "Level four, edited." in page.locator(f"#comment-{comments[4].pk}").inner_text()
    assert page.locator(f"#comment-{comments[4].pk} .comment-edited").count() == 1

    # Delete a comment that has replies: a tombstone stays.
    page.goto(live_server.url + news_article.url)
    page.locator(f"#comment-{comments[2].pk} > article .delete-link").click()
    page.locator("main button", has_text="Delete").click()
    page.wait_for_load_state()
    assert "deleted by its author" in page.locator(f"#comment-{comments[2].pk} > article").inner_text()

    # Another reader's comment, then sort by newest.
    newer = services.comment_create(
        thread=comments[0].thread, author=commenter, body="A later top-level comment."
    )
    page.goto(live_server.url + news_article.url)
    page.locator(".discussion-sort a", has_text="Newest").click()
    page.wait_for_load_state()
    ids = page.locator("ol.comments > li.comment").evaluate_all("els => els.map(e => e.id)")
    assert ids[:2] == [f"comment-{newer.pk}", f"comment-{comments[0].pk}"]


def test_anonymous_reader_sees_sign_in_and_returns_to_the_form(page_nojs, live_server, news_article, reader):
    page = page_nojs
    page.goto(live_server.url + news_article.url)
    page.locator("a", has_text="Sign in to comment").click()
    page.locator("input[name=login]").fill("reader@example.org")
    page.locator("input[name=password]").fill("correct horse 42")
    page.locator("button[type=submit]", has_text=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()
    assert news_article.url in page.url
    assert page.locator("form#comment-form textarea").count() == 1


def test_javascript_reply_in_place_and_more_replies(
    page, live_server, news_article, reader, commenter, settings
):
    settings.DISCUSSION_PREVIEW_REPLIES = 2
    thread = services.thread_for_page(page=news_article)
    root = services.comment_create(thread=thread, author=commenter, body="Root with many replies.")
    for n in range(5):
        services.comment_create(thread=thread, author=commenter, body=f"Reply number {n}.", parent=root)
    _sign_in(page, live_server, reader)
    page.goto(live_server.url + news_article.url)
    page.wait_for_selector("body[data-discussion-ready=true]")
    url_before = page.url
    page.locator(f"#comment-{root.pk} li.more-replies a").click()
    expect(page.locator(f"#comment-{root.pk} > ol.replies > li.comment")).to_have_count(5)
    assert page.url == url_before
    page.locator(f"#comment-{root.pk} > article .reply-link").click()
    inline = page.locator(f"#comment-{root.pk} > form.comment-form")
    inline.locator("textarea").fill("An inline reply.")
    inline.locator("button[value=post]").click()
    page.wait_for_load_state()
    reply = Comment.objects.get(body_source="An inline reply.")
    assert reply.parent_id == root.pk
    assert page.locator(f"#comment-{reply.pk}").is_visible()


def test_second_browser_is_told_of_new_comments(
    browser, live_server, news_article, reader, settings, monkeypatch
):
    from masthead.discussion import live

    settings.DISCUSSION_SSE_HOLD_SECONDS = 4
    monkeypatch.setattr(live, "POLL_SECONDS", 0.3)
    thread = services.thread_for_page(page=news_article)
    services.comment_create(thread=thread, author=reader, body="Already here.")
    context = browser.new_context()
    try:
        watcher = context.new_page()
        watcher.goto(live_server.url + news_article.url)
        watcher.wait_for_selector("body[data-discussion-ready=true]")
        watcher.locator("#discussion").scroll_into_view_if_needed()
        watcher.wait_for_timeout(500)
        before = watcher.locator("ol.comments > li.comment").count()
        services.comment_create(thread=thread, author=reader, body="Posted while you read.")
        notice = watcher.locator(".new-comments a")
        notice.wait_for(state="visible", timeout=8000)
        assert notice.inner_text() == "1 new comment — show"
        # Nothing was inserted under the reader's eyes.
        assert watcher.locator("ol.comments > li.comment").count() == before
    finally:
        context.close()


def test_permalink_deep_in_a_large_thread(page, live_server, news_article, output_dir, settings):
    thread = services.thread_for_page(page=news_article)
    assert thread_generate(thread=thread, count=100_000, seed=11) == 100_000
    deep = Comment.objects.filter(thread=thread, depth__gte=5).order_by("-id")[10]
    # Far down the thread: its top-level comment is on page 40 or later of the oldest-first pages.
    earlier_roots = Comment.objects.filter(thread=thread, depth=0, id__lt=deep.root_id).count()
    assert earlier_roots >= 40 * settings.DISCUSSION_PAGE_SIZE
    page.goto(f"{live_server.url}/c/{deep.pk}")
    target = page.locator(f"#comment-{deep.pk}")
    target.wait_for()
    assert "is-focus" in target.get_attribute("class")
    assert target.is_visible()
    page.wait_for_load_state("load")
    # Retried: the jump lands once images above the thread have taken their height.
    expect(target).to_be_in_viewport()
    for ancestor_id in deep.ancestor_ids:
        assert page.locator(f"#comment-{ancestor_id} #comment-{deep.pk}").count() == 1
    page.screenshot(path=str(output_dir / "discussion-deep-permalink.png"))
