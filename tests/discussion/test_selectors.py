"""Reading: display order, previews, cursors per sort, permalink context, bounded queries."""

from __future__ import annotations

import pytest

from masthead.discussion import selectors, services
from masthead.discussion.generation import thread_generate
from masthead.discussion.models import CommentStatus
from masthead.moderation.selectors import shadow_banned_user_ids


@pytest.fixture
def database_queries():  # type: ignore[no-untyped-def]
    """Count queries on the data, leaving out reads of the cache (a query only on the
    database cache; with Redis the same read is no query)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def counting(expected: int):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as captured:
            yield
        data = [q["sql"] for q in captured.captured_queries if "masthead_cache" not in q["sql"]]
        assert len(data) == expected, "\n".join(data)

    return counting


def _ids(nodes):
    return [(n.comment.pk, _ids(n.children)) for n in nodes]


def test_thread_page_nests_replies_in_chronological_order(post, reader, commenter, thread):
    a = post(reader, "Top one.")
    b = post(commenter, "Top two.")
    a1 = post(commenter, "Under one.", parent=a)
    a2 = post(reader, "Also under one.", parent=a)
    a11 = post(reader, "Deeper.", parent=a1)
    page = selectors.thread_page(thread=thread, user=None)
    assert _ids(page.nodes) == [(a.pk, [(a1.pk, [(a11.pk, [])]), (a2.pk, [])]), (b.pk, [])]
    assert page.nodes[0].children[0].parent_name == reader.public_name


def test_a_page_shows_at_most_its_comment_budget_shallowest_replies_first(
    post, reader, commenter, thread, settings
):
    settings.DISCUSSION_PAGE_COMMENTS = 6
    a = post(reader, "Busy root.")
    b = post(commenter, "Quiet root.")
    a1 = post(commenter, "First under the busy root.", parent=a)
    a2 = post(reader, "Second under the busy root.", parent=a)
    a11 = post(reader, "Under the first reply.", parent=a1)
    a12 = post(reader, "Also under the first reply.", parent=a1)
    b1 = post(reader, "Under the quiet root.", parent=b)
    page = selectors.thread_page(thread=thread, user=None)
    # Two roots, then depth 1 (a1, a2, b1), then depth 2 until the budget of 6: a11 only.
    assert _ids(page.nodes) == [(a.pk, [(a1.pk, [(a11.pk, [])]), (a2.pk, [])]), (b.pk, [(b1.pk, [])])]
    first_reply = page.nodes[0].children[0]
    # The cut is the end of a1's reply list: its link goes on after the reply shown.
    assert (first_reply.more_replies, first_reply.more_after) == (1, a11.pk)
    rest = selectors.replies_page(parent=a1, user=None, cursor=str(first_reply.more_after))
    assert [n.comment.pk for n in rest.nodes] == [a12.pk]
    settings.DISCUSSION_PAGE_COMMENTS = 1  # fewer than the roots: every root, no reply
    page = selectors.thread_page(thread=thread, user=None)
    assert _ids(page.nodes) == [(a.pk, []), (b.pk, [])]
    assert [n.more_replies for n in page.nodes] == [2, 1]


def test_sorts_and_cursors_walk_every_top_level_comment_once(
    post, reader, commenter, moderator, thread, settings
):
    settings.DISCUSSION_PAGE_SIZE = 2
    roots = [post(reader, f"Root number {n}.") for n in range(5)]
    services.comment_vote(comment=roots[3], user=commenter, value=1)
    services.comment_vote(comment=roots[3], user=moderator, value=1)
    services.comment_vote(comment=roots[1], user=commenter, value=1)
    post(commenter, "A reply to make it busy.", parent=roots[2])
    expected = {
        "oldest": [r.pk for r in roots],
        "newest": [r.pk for r in reversed(roots)],
        "best": [roots[3].pk, roots[1].pk, roots[4].pk, roots[2].pk, roots[0].pk],
        "replies": [roots[2].pk, roots[4].pk, roots[3].pk, roots[1].pk, roots[0].pk],
    }
    for sort, order in expected.items():
        seen, cursor = [], None
        while True:
            page = selectors.thread_page(thread=thread, user=None, sort=sort, cursor=cursor)
            seen += [n.comment.pk for n in page.nodes]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == order, sort


def test_bad_cursor_is_an_error(thread):
    with pytest.raises(selectors.InvalidCursor):
        selectors.thread_page(thread=thread, user=None, sort="best", cursor="12")
    with pytest.raises(selectors.InvalidCursor):
        selectors.thread_page(thread=thread, user=None, sort="oldest", cursor="x")


def test_pending_comment_is_shown_only_to_its_author(post, reader, commenter, thread):
    comment = post(reader, "Waiting for a moderator.")
    services.comment_set_status(comment=comment, status=CommentStatus.PENDING, actor=None)
    assert selectors.thread_page(thread=thread, user=commenter).nodes == []
    assert [n.comment.pk for n in selectors.thread_page(thread=thread, user=reader).nodes] == [comment.pk]


def test_more_replies_counts_and_replies_page_continue(post, reader, commenter, thread, settings):
    settings.DISCUSSION_PREVIEW_REPLIES = 2
    settings.DISCUSSION_PAGE_SIZE = 3
    root = post(reader, "Many answers follow.")
    replies = [post(commenter if n % 2 else reader, f"Answer {n}.", parent=root) for n in range(7)]
    page = selectors.thread_page(thread=thread, user=None)
    node = page.nodes[0]
    assert [c.comment.pk for c in node.children] == [r.pk for r in replies[:2]]
    assert (node.more_replies, node.more_after) == (5, replies[1].pk)
    first = selectors.replies_page(parent=root, user=None, cursor=str(node.more_after))
    assert [n.comment.pk for n in first.nodes] == [r.pk for r in replies[2:5]]
    second = selectors.replies_page(parent=root, user=None, cursor=first.next_cursor)
    assert [n.comment.pk for n in second.nodes] == [r.pk for r in replies[5:]]
    assert second.next_cursor is None


def test_tombstone_shown_in_place_of_deleted_parent(post, reader, commenter, thread):
    root = post(reader, "Soon gone.")
    reply = post(commenter, "Still here.", parent=root)
    services.comment_delete(comment=root, actor=reader)
    page = selectors.thread_page(thread=thread, user=None)
    assert page.nodes[0].comment.status == CommentStatus.DELETED
    assert page.nodes[0].children[0].comment.pk == reply.pk


def test_permalink_context_has_ancestors_window_and_replies(post, reader, commenter, thread):
    root = post(reader, "Where it starts.")
    middle = post(commenter, "In the middle.", parent=root)
    siblings = [post(reader if n % 2 else commenter, f"Sibling {n}.", parent=middle) for n in range(12)]
    target = siblings[6]
    answer = post(reader, "Answering the target.", parent=target)
    context = selectors.comment_context(comment=target, user=None, window=2)
    assert context.nodes[0].comment.pk == root.pk
    level = context.nodes[0].children[0]
    assert level.comment.pk == middle.pk
    assert [n.comment.pk for n in level.children] == [s.pk for s in siblings[4:9]]
    focus = next(n for n in level.children if n.focus)
    assert focus.comment.pk == target.pk
    assert [c.comment.pk for c in focus.children] == [answer.pk]
    assert context.earlier is True
    assert level.more_after == siblings[8].pk


def test_access_comment_per_role(post, reader, commenter, editor):
    from masthead.discussion.models import Comment

    comment = post(reader, "Removed soon.")
    services.comment_set_status(comment=comment, status=CommentStatus.REMOVED, actor=editor, reason="Abuse")
    with pytest.raises(Comment.DoesNotExist):
        selectors.access_comment(user=None, comment_id=comment.pk)
    with pytest.raises(Comment.DoesNotExist):
        selectors.access_comment(user=commenter, comment_id=comment.pk)
    assert selectors.access_comment(user=reader, comment_id=comment.pk).status_reason == "Abuse"
    assert selectors.access_comment(user=editor, comment_id=comment.pk).pk == comment.pk


@pytest.fixture
def big_thread(thread, settings):
    thread_generate(thread=thread, count=3000, seed=3)
    thread.refresh_from_db()
    return thread


def test_generated_thread_counts_match_the_services_rules(big_thread):
    from django.db.models import Count

    from masthead.discussion.models import Comment

    assert big_thread.comment_count == 3000
    assert big_thread.top_level_count == Comment.objects.filter(thread=big_thread, parent=None).count()
    counts = dict(
        Comment.objects.filter(thread=big_thread, parent__isnull=False)
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    sample = Comment.objects.filter(thread=big_thread).order_by("?")[:200]
    for comment in sample:
        assert comment.reply_count == counts.get(comment.pk, 0)


@pytest.mark.parametrize("sort", selectors.SORTS)
def test_first_page_is_two_queries_whatever_the_size(big_thread, sort, database_queries):
    shadow_banned_user_ids()  # warm the cache: a page then reads it from the cache
    # The page's root ids, then the roots with their previews.
    with database_queries(2):
        page = selectors.thread_page(thread=big_thread, user=None, sort=sort)
    assert len(page.nodes) == 20
    assert page.next_cursor


def test_deep_pages_and_permalinks_stay_bounded(big_thread, reader, database_queries):
    from masthead.discussion.models import Comment

    deep = (
        Comment.objects.select_related("thread")
        .filter(thread=big_thread, depth__gte=4)
        .order_by("-id")
        .first()
    )
    shadow_banned_user_ids()  # warm the cache; each page below reads it once
    with database_queries(4):
        context = selectors.comment_context(comment=deep, user=None)
    assert context.focus.pk == deep.pk
    busiest = (
        Comment.objects.select_related("thread", "author")
        .filter(thread=big_thread)
        .order_by("-reply_count")
        .first()
    )
    # Reply ids, replies with their previews, the reader's votes.
    with database_queries(3):
        page = selectors.replies_page(parent=busiest, user=reader)
    assert len(page.nodes) == min(20, busiest.reply_count)
