"""Discussion's side of moderation: shadow-bans, report and appeal links, the honeypot."""

from __future__ import annotations

import pytest

from masthead.discussion import live, selectors, services
from masthead.moderation.services import sanction_apply


@pytest.fixture
def news_thread(news_article):  # type: ignore[no-untyped-def]
    return services.thread_for_page(page=news_article)


@pytest.fixture
def shadow_banned(commenter, moderator, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        sanction_apply(user=commenter, kind="shadow_ban", actor=moderator, reason="Troll")
    return commenter


def _ids(listing: selectors.ThreadPage) -> set[int]:
    found: set[int] = set()
    stack = list(listing.nodes)
    while stack:
        node = stack.pop()
        found.add(node.comment.pk)
        stack.extend(node.children)
    return found


def test_shadow_banned_comment_is_shown_to_its_author_only(thread, post, reader, shadow_banned):
    root = post(reader, "An honest question.")
    bait = post(shadow_banned, "Bait.")
    reply = post(shadow_banned, "More bait.", parent=root)
    assert bait.status == "visible"  # nothing tells the troll
    mine = selectors.thread_page(thread=thread, user=shadow_banned)
    assert _ids(mine) == {root.pk, bait.pk, reply.pk}
    for viewer in (reader, None):
        assert _ids(selectors.thread_page(thread=thread, user=viewer)) == {root.pk}
        assert _ids(selectors.replies_page(parent=root, user=viewer)) == set()
        assert _ids(selectors.comment_context(comment=root, user=viewer)) == {root.pk}
    assert _ids(selectors.replies_page(parent=root, user=shadow_banned)) == {reply.pk}
    assert selectors.new_comment_count(thread=thread, after=0) == 1


def test_shadow_banned_permalink_is_not_found_for_others(client, post, reader, shadow_banned):
    bait = post(shadow_banned, "Bait.")
    assert client.get(f"/c/{bait.pk}").status_code == 404
    client.force_login(reader)
    assert client.get(f"/c/{bait.pk}").status_code == 404
    client.force_login(shadow_banned)
    assert client.get(f"/c/{bait.pk}").status_code == 302


def test_shadow_banned_comment_is_hidden_over_http_and_the_api(
    client, news_article, news_thread, reader, shadow_banned
):
    services.comment_create(thread=news_thread, author=reader, body="Seen by all.")
    services.comment_create(thread=news_thread, author=shadow_banned, body="Seen by the troll.")
    api_url = f"/api/discussion/threads/{news_thread.pk}/comments"
    for user in (None, reader):
        if user is not None:
            client.force_login(user)
        html = client.get(news_article.url).content.decode()
        assert "Seen by all." in html and "Seen by the troll." not in html
        assert "Seen by the troll." not in client.get(api_url).content.decode()
    client.force_login(shadow_banned)
    assert "Seen by the troll." in client.get(news_article.url).content.decode()


def test_shadow_banned_comment_is_not_announced_and_sends_no_reply_email(
    thread, post, reader, shadow_banned, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    announced: list[int] = []
    monkeypatch.setattr(
        live, "announce", lambda thread_id, comment_id, **kwargs: announced.append(comment_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        root = post(reader, "Tell me when someone answers.", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=True):
        post(shadow_banned, "Bait.", parent=root)
    assert announced == [root.pk]
    assert smtp_server.wait_for(1, timeout=1.5) == []


def _page(client, url: str, user) -> str:  # type: ignore[no-untyped-def]
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).content.decode()


def test_report_link_is_shown_to_signed_in_readers_who_did_not_write_the_comment(
    client, news_article, news_thread, reader, commenter
):
    comment = services.comment_create(thread=news_thread, author=commenter, body="Report me, maybe.")
    report = f'href="/moderation/report/comment/{comment.pk}/"'
    assert "Report me, maybe." in _page(client, news_article.url, None)
    assert report not in _page(client, news_article.url, None)
    assert report in _page(client, news_article.url, reader)
    assert report not in _page(client, news_article.url, commenter)
    client.force_login(reader)
    assert client.get(f"/moderation/report/comment/{comment.pk}/").status_code == 200


def test_author_of_a_removed_comment_gets_an_appeal_link(
    client, news_article, news_thread, reader, commenter, moderator
):
    comment = services.comment_create(thread=news_thread, author=commenter, body="Removed soon.")
    services.comment_set_status(comment=comment, status="removed", actor=moderator, reason="Off topic")
    appeal = f'href="/moderation/appeal/comment/{comment.pk}/"'
    url = f"{news_article.url}?comment={comment.pk}"
    assert appeal in _page(client, url, commenter)
    assert appeal not in _page(client, url, reader)
    assert appeal not in _page(client, url, None)
    client.force_login(commenter)
    assert client.get(f"/moderation/appeal/comment/{comment.pk}/").status_code == 200


def test_comment_form_has_a_honeypot_hidden_from_people(client, news_article, reader):
    client.force_login(reader)
    html = client.get(news_article.url).content.decode()
    wrapper = html[html.index('<p class="comment-hp"') :]
    wrapper = wrapper[: wrapper.index("</p>")]
    assert 'aria-hidden="true"' in wrapper
    assert 'name="website"' in wrapper and 'tabindex="-1"' in wrapper and 'autocomplete="off"' in wrapper


def test_filled_honeypot_is_refused_and_an_empty_one_posts(client, news_thread, reader):
    from masthead.discussion.models import Comment

    client.force_login(reader)
    url = f"/discussion/{news_thread.pk}/comment"
    form = {"body": "Buy cheap watches.", "client_token": "hp-1", "action": "post", "website": "http://x"}
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "looks like automated spam" in refused.content.decode()
    assert not Comment.objects.filter(thread=news_thread).exists()
    posted = client.post(url, {**form, "body": "A real thought.", "client_token": "hp-2", "website": ""})
    assert posted.status_code == 302
    assert Comment.objects.get(thread=news_thread).body_source == "A real thought."
