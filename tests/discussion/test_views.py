"""The HTML discussion per role: anonymous, reader, the comment's author, editor."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.discussion import services
from masthead.discussion.models import Comment, CommentStatus

XSS = Path("/work/shared/fixtures/xss")
BLNS = Path("/work/shared/fixtures/naughty-strings/blns/blns.txt")


@pytest.fixture
def news_thread(news_article):
    return services.thread_for_page(page=news_article)


@pytest.fixture
def say(news_thread):
    def _say(author, body, parent=None):
        return services.comment_create(thread=news_thread, author=author, body=body, parent=parent)

    return _say


def _discussion(response) -> str:
    html = response.content.decode()
    start = html.index('<section id="discussion"')
    return html[start : html.index("</section>", start)]


def test_anonymous_reader_sees_comments_and_sign_in_links_without_csrf(
    client, news_article, say, reader, commenter
):
    root = say(reader, "The east bank flooded *first*.")
    say(commenter, "Ναι, σωστά.", parent=root)
    response = client.get(news_article.url)
    block = _discussion(response)
    assert "2 comments" in block
    assert "<em>first</em>" in block and "Ναι, σωστά." in block
    assert "Sign in to comment" in block and "Sign in to vote" in block
    assert "csrfmiddlewaretoken" not in response.content.decode()
    # Each reply's element sits inside its parent's element.
    assert re.search(
        rf'id="comment-{root.pk}".*<ol class="replies"><li class="comment indent-1" id="comment-', block, re.S
    )


def test_signed_in_reader_posts_and_is_redirected_to_the_permalink(client, news_article, news_thread, reader):
    client.force_login(reader)
    response = client.post(
        f"/discussion/{news_thread.pk}/comment",
        {"body": "Posted through the form.", "client_token": "form-1", "action": "post"},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/c/{comment.pk}"
    again = client.post(
        f"/discussion/{news_thread.pk}/comment",
        {"body": "Posted through the form.", "client_token": "form-1", "action": "post"},
    )
    assert again["Location"] == f"/c/{comment.pk}"
    assert Comment.objects.count() == 1
    permalink = client.get(f"/c/{comment.pk}")
    assert permalink["Location"] == f"{news_article.url}?comment={comment.pk}#comment-{comment.pk}"
    page = client.get(permalink["Location"])
    assert "is-focus" in _discussion(page)


def test_preview_renders_without_saving(client, news_thread, reader):
    client.force_login(reader)
    response = client.post(
        f"/discussion/{news_thread.pk}/comment",
        {"body": "**bold** idea", "client_token": "p-1", "action": "preview"},
    )
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert Comment.objects.count() == 0


def test_anonymous_post_goes_to_sign_in(client, news_thread):
    response = client.post(f"/discussion/{news_thread.pk}/comment", {"body": "x", "client_token": "t"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert Comment.objects.count() == 0


def test_unverified_reader_cannot_comment(client, news_thread, django_user_model):
    user = django_user_model.objects.create_user(email="new@example.org", password="correct horse 42")
    client.force_login(user)
    response = client.post(f"/discussion/{news_thread.pk}/comment", {"body": "Hi", "client_token": "t"})
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_reply_form_errors_are_shown(client, news_thread, reader):
    client.force_login(reader)
    response = client.post(f"/discussion/{news_thread.pk}/comment", {"body": "", "client_token": "t"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_author_edits_and_deletes_other_reader_cannot(client, say, reader, commenter):
    comment = say(reader, "Edit me later.")
    client.force_login(commenter)
    assert client.get(f"/discussion/comment/{comment.pk}/edit").status_code == 403
    assert client.post(f"/discussion/comment/{comment.pk}/delete").status_code == 403
    client.force_login(reader)
    response = client.post(f"/discussion/comment/{comment.pk}/edit", {"body": "Edited text."})
    assert response.status_code == 302
    assert Comment.objects.get().body_source == "Edited text."
    response = client.post(f"/discussion/comment/{comment.pk}/delete")
    assert response.status_code == 302
    assert Comment.objects.get().status == CommentStatus.DELETED


def test_tombstone_rendered_for_deleted_comment_with_replies(client, news_article, say, reader, commenter):
    root = say(reader, "About to vanish.")
    say(commenter, "A reply that keeps it.", parent=root)
    services.comment_delete(comment=root, actor=reader)
    block = _discussion(client.get(news_article.url))
    assert "This comment was deleted by its author." in block
    assert "About to vanish." not in block


def test_votes_per_role(client, say, reader, commenter):
    comment = say(reader, "Vote here.")
    assert client.post(f"/discussion/comment/{comment.pk}/vote", {"value": "1"}).status_code == 302
    assert Comment.objects.get().upvotes == 0  # anonymous: sent to sign in
    client.force_login(reader)
    assert client.post(f"/discussion/comment/{comment.pk}/vote", {"value": "1"}).status_code == 403
    client.force_login(commenter)
    assert client.post(f"/discussion/comment/{comment.pk}/vote", {"value": "1"}).status_code == 302
    assert client.post(f"/discussion/comment/{comment.pk}/vote", {"value": "7"}).status_code == 400
    assert Comment.objects.get().upvotes == 1


def test_sort_choice_is_kept_in_a_cookie(client, news_article, news_thread, say, reader, commenter):
    old = say(reader, "Older comment.")
    new = say(commenter, "Newer comment.")
    response = client.get(f"/discussion/{news_thread.pk}/sort", {"sort": "newest", "next": news_article.url})
    assert response.cookies["discussion_sort"].value == "newest"
    assert response["Location"] == f"{news_article.url}#discussion"
    block = _discussion(client.get(news_article.url))
    assert block.index(f'id="comment-{new.pk}"') < block.index(f'id="comment-{old.pk}"')
    evil = client.get(f"/discussion/{news_thread.pk}/sort", {"sort": "best", "next": "https://evil.example/"})
    assert evil["Location"].startswith(news_article.url)


def test_editor_closes_discussion_reader_cannot(client, news_article, news_thread, reader, editor):
    client.force_login(reader)
    assert client.post(f"/discussion/{news_thread.pk}/state", {"state": "closed"}).status_code == 403
    client.force_login(editor)
    assert client.post(f"/discussion/{news_thread.pk}/state", {"state": "closed"}).status_code == 302
    client.force_login(reader)
    block = _discussion(client.get(news_article.url))
    assert "This discussion is closed" in block and "comment-form" not in block


def test_no_js_paging_through_thread_and_replies(client, news_thread, say, reader, settings):
    settings.DISCUSSION_PAGE_SIZE = 2
    settings.DISCUSSION_PREVIEW_REPLIES = 1
    roots = [say(reader, f"Root {n} of paging.") for n in range(3)]
    replies = [say(reader, f"Reply {n} of paging.", parent=roots[0]) for n in range(3)]
    first = client.get(f"/discussion/{news_thread.pk}/").content.decode()
    more = re.search(r'<p class="more-comments"><a href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(more).content.decode()
    assert f'id="comment-{roots[2].pk}"' in second and f'id="comment-{roots[0].pk}"' not in second
    link = re.search(r'<li class="more-replies"><a href="([^"]+)"', first).group(1)
    assert "Show 2 more replies" in first
    replies_page = client.get(link).content.decode()
    assert f'id="comment-{replies[1].pk}"' in replies_page and f'id="comment-{replies[2].pk}"' in replies_page
    assert client.get(f"/discussion/{news_thread.pk}/?cursor=abc").status_code == 400


def test_article_page_reads_comments_in_two_queries(client, news_article, say, reader, commenter):
    client.get(news_article.url)  # warm the thread and site caches
    for n in range(30):
        root = say(reader, f"Query count root {n}.")
        say(commenter, f"Query count reply {n}.", parent=root)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(news_article.url)
    assert "60 comments" in _discussion(response)
    discussion_queries = [q for q in captured.captured_queries if "discussion_comment" in q["sql"]]
    assert len(discussion_queries) == 2  # the page's root ids, then the roots with their previews


def test_hidden_thread_and_removed_comment_are_not_shown(
    client, news_article, news_thread, say, reader, editor
):
    comment = say(reader, "To be removed.")
    services.comment_set_status(comment=comment, status=CommentStatus.REMOVED, actor=editor)
    assert client.get(f"/c/{comment.pk}").status_code == 404
    services.thread_set_state(thread=news_thread, state="hidden", actor=editor)
    assert client.get(f"/discussion/{news_thread.pk}/").status_code == 404


def _corpus(limit: int) -> list[str]:
    lines = []
    for path in sorted(XSS.rglob("*.txt")):
        lines += [line for line in path.read_text(errors="replace").splitlines() if line.strip()][:limit]
    lines += [
        line for line in BLNS.read_text(errors="replace").splitlines() if line and not line.startswith("#")
    ]
    return lines


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.found.append((tag, attrs))


def test_hostile_corpora_never_reach_the_page_as_markup():
    from masthead.discussion.rendering import normalise_source, render_markdown

    allowed = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
    for text in _corpus(400):
        parser = _Tags()
        parser.feed(render_markdown(normalise_source(text)))
        for tag, attrs in parser.found:
            assert tag in allowed, text
            names = {name for name, _ in attrs}
            assert names <= ({"href", "rel"} if tag == "a" else set()), text
            href = dict(attrs).get("href")
            if href is not None:
                assert href.split(":", 1)[0].lower() in {"http", "https", "mailto"}, text
                assert dict(attrs)["rel"] == "nofollow ugc noopener"


def test_hostile_comment_posted_and_rendered_safely(client, news_article, news_thread, reader):
    client.force_login(reader)
    payload = "<img src=x onerror=alert(1)>[x](javascript:alert(1)) <script>alert(2)</script>"
    client.post(f"/discussion/{news_thread.pk}/comment", {"body": payload, "client_token": "x-1"})
    block = _discussion(client.get(news_article.url))
    assert "<script>alert" not in block and "<img" not in block and 'href="javascript' not in block


def test_guest_comments_when_the_site_allows_them(client, news_article, news_thread):
    from wagtail.models import Site

    from masthead.discussion.models import DiscussionSettings

    url = f"/discussion/{news_thread.pk}/comment"
    assert (
        client.post(url, {"body": "Guest?", "guest_name": "Passer-by", "client_token": "g0"}).status_code
        == 302
    )
    assert Comment.objects.count() == 0  # off by default: sent to sign in
    DiscussionSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"allow_guests": True}
    )
    page = client.get(news_article.url).content.decode()
    assert 'name="guest_name"' in page and "csrfmiddlewaretoken" in page
    response = client.post(url, {"body": "A guest's view.", "guest_name": "Passer-by", "client_token": "g1"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_id, comment.guest_name, comment.notify_replies) == (None, "Passer-by", False)


def test_held_comment_is_marked_for_its_author_only(client, news_article, news_thread, reader, settings):
    settings.MODERATION_MODE = "pre"
    client.force_login(reader)
    client.post(f"/discussion/{news_thread.pk}/comment", {"body": "Held for review.", "client_token": "h1"})
    assert Comment.objects.get().status == CommentStatus.PENDING
    block = _discussion(client.get(news_article.url))
    assert "Held for review." in block and "awaiting moderation" in block
    client.logout()
    assert "Held for review." not in _discussion(client.get(news_article.url))


def test_rejected_comment_shows_the_reasons_and_keeps_the_text(client, news_thread, reader, settings):
    settings.MODERATION_MAX_LENGTH = 20
    client.force_login(reader)
    text = "This comment is far longer than the screener allows."
    response = client.post(f"/discussion/{news_thread.pk}/comment", {"body": text, "client_token": "r1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors"' in html and text in html
    assert Comment.objects.count() == 0


def test_teaser_counts_come_in_one_query(client, news_article, say, reader):
    from tests.publishing.factories import make_article

    section = news_article.get_parent()
    others = [make_article(title=f"Teaser story {n}", section=section.specific) for n in range(3)]
    say(reader, "One comment on the first story.")
    services.comment_create(
        thread=services.thread_for_page(page=others[0]), author=reader, body="On another story."
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.get(section.url)
    html = response.content.decode()
    assert html.count('class="comment-count"') >= 4
    assert f'href="{news_article.url}#discussion">1 comment<' in html
    assert f'href="{others[1].url}#discussion">0 comments<' in html
    assert len([q for q in captured.captured_queries if "discussion_thread" in q["sql"]]) == 1


def test_anonymous_first_page_is_rendered_once_per_change(
    client, news_article, say, reader, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_PAGE_CACHE = False  # the discussion's own cache, not the whole page's
    say(reader, "First view.")
    client.get(news_article.url)
    with CaptureQueriesContext(connection) as captured:
        block = _discussion(client.get(news_article.url))
    assert "First view." in block
    assert not [query for query in captured.captured_queries if "discussion_comment" in query["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        say(reader, "Second view.")
    block = _discussion(client.get(news_article.url))
    assert "First view." in block and "Second view." in block


def test_anonymous_permalink_context_is_rendered_once_per_change_and_made_up_ids_are_not_kept(
    client, news_article, say, reader, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    settings.MASTHEAD_PAGE_CACHE = False
    root = say(reader, "The root of it.")
    reply = say(reader, "A reply worth linking to.", parent=root)
    url = f"{news_article.url}?comment={reply.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        block = _discussion(client.get(url))
    assert f'id="comment-{reply.pk}"' in block and "is-focus" in block
    assert not [query for query in captured.captured_queries if "discussion_comment" in query["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        say(reader, "A second reply.", parent=root)
    assert "A second reply." in _discussion(client.get(url))
    # An id that is no comment of this thread gets the first page, rendered for this request only.
    cache.clear()
    for made_up in (999_999, 999_998):
        assert "The root of it." in _discussion(client.get(f"{news_article.url}?comment={made_up}"))
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{news_article.url}?comment=999999")
    assert [query for query in captured.captured_queries if "discussion_comment" in query["sql"]]


def _comment_queries(captured) -> list[str]:  # type: ignore[no-untyped-def]
    return [query["sql"] for query in captured.captured_queries if "discussion_comment" in query["sql"]]


def test_anonymous_reply_and_thread_pages_are_rendered_once_per_change(
    client, news_thread, say, reader, commenter, settings, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_PAGE_SIZE = 2
    root = say(reader, "Much answered.")
    answers = [say(commenter, f"Answer {n}.", parent=root) for n in range(3)]
    for n in range(3):
        say(reader, f"Top {n}.")
    replies = f"/discussion/comment/{root.pk}/replies"
    later = client.get(f"/discussion/{news_thread.pk}/").content.decode()
    cursor = re.search(r"cursor=([^\"&]+)", later).group(1)
    paged = f"/discussion/{news_thread.pk}/?sort=oldest&cursor={cursor}"
    for url in (replies, paged):
        first = client.get(url).content.decode()
        with CaptureQueriesContext(connection) as captured:
            again = client.get(url).content.decode()
        assert again == first
        # Only the comment or thread the URL names is read; the page of comments is kept.
        assert len(_comment_queries(captured)) <= 1, url
    assert "Answer 0." in first or "Top" in first
    # A new reply is on the next view of the page it lands on.
    last_page = f"{replies}?after={answers[1].pk}"
    assert "Answer 2." in client.get(last_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        say(reader, "A late answer.", parent=root)
    assert "A late answer." in client.get(last_page).content.decode()
    # Made-up parameters neither make another copy nor reach the links others get.
    with CaptureQueriesContext(connection) as captured:
        junk = client.get(f"{replies}?utm_source=x&evil=%22%3E").content.decode()
    assert "evil" not in junk and "utm_source" not in junk
    assert len(_comment_queries(captured)) >= 1
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{replies}?utm_source=y")
    assert len(_comment_queries(captured)) <= 1
    # Signed in, the page is the reader's own (their vote buttons, their edit links).
    client.force_login(commenter)
    assert "Edit" in client.get(replies).content.decode()
    # A cursor that is no cursor is a clear 400, for everyone.
    client.logout()
    assert client.get(f"{replies}?after=nonsense").status_code == 400
    assert client.get(f"/discussion/{news_thread.pk}/?cursor=nonsense").status_code == 400


def test_signed_in_reader_never_gets_the_anonymous_copy(client, news_article, news_thread, reader, settings):
    settings.MASTHEAD_PAGE_CACHE = False
    settings.MODERATION_MODE = "pre"
    assert "Sign in to comment" in _discussion(client.get(news_article.url))  # stored for anonymous readers
    client.force_login(reader)
    client.post(f"/discussion/{news_thread.pk}/comment", {"body": "Held for review.", "client_token": "s1"})
    block = _discussion(client.get(news_article.url))
    assert "Held for review." in block and "Sign in to comment" not in block


def test_guest_forms_are_never_shared_between_readers(client, news_article, settings):
    from wagtail.models import Site

    from masthead.discussion.models import DiscussionSettings

    settings.MASTHEAD_PAGE_CACHE = False
    DiscussionSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"allow_guests": True}
    )

    def token(response) -> str:  # type: ignore[no-untyped-def]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)

    first = client.get(news_article.url)
    client.cookies.clear()
    second = client.get(news_article.url)
    assert token(first) != token(second)
