"""Comment lifecycle through the services: counts, tombstones, transitions, edits, idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from masthead.discussion import services
from masthead.discussion.models import Comment, CommentRevision, CommentStatus, Thread

S = CommentStatus


def _fresh(comment: Comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


@pytest.mark.parametrize("written_out", [True, False], ids=["written-out SQL", "ORM (other databases)"])
def test_reply_keeps_path_rank_depth_and_counts(post, reader, commenter, thread, written_out, monkeypatch):
    from django.db import connection

    from masthead.discussion.services import counts

    if not written_out:
        monkeypatch.delitem(counts._GREATEST, connection.vendor)
    root = post(reader, "First thought on the floods.")
    first = post(commenter, "A first reply.", parent=root)
    second = post(reader, "A second reply.", parent=root)
    deep = post(commenter, "Deeper down.", parent=second)

    assert (first.sibling_rank, second.sibling_rank) == (1, 2)
    assert deep.depth == 2
    assert deep.ancestor_ids == [root.pk, second.pk]
    assert deep.root_id == root.pk
    root = _fresh(root)
    assert (root.reply_count, root.replies_total, root.subtree_count) == (2, 2, 3)
    assert (_fresh(second).reply_count, _fresh(second).replies_total, _fresh(second).subtree_count) == (
        1,
        1,
        0,
    )
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count, thread.last_comment_id) == (4, 1, deep.pk)


@pytest.mark.parametrize("hold", [False, True], ids=["published", "held"])
def test_a_reply_to_a_comment_moderated_meanwhile_is_refused_whole(
    post, reader, commenter, thread, settings, hold
):
    root = post(reader, "Soon to be hidden.")
    stale = _fresh(root)  # what the replying request read, before a moderator acted
    services.comment_set_status(comment=root, status=S.HIDDEN, actor=None)
    if hold:
        settings.MODERATION_MODE = "pre"
    with pytest.raises(ValidationError, match="cannot be replied to"):
        services.comment_create(thread=thread, author=commenter, body="Too late.", parent=stale)
    assert not Comment.objects.filter(parent=root).exists()
    assert (_fresh(root).replies_total, _fresh(root).reply_count) == (0, 0)
    thread.refresh_from_db()
    assert thread.comment_count == 0


def test_preview_flag_stops_after_preview_replies_and_depth(post, reader, commenter, settings):
    settings.DISCUSSION_PREVIEW_REPLIES = 2
    settings.DISCUSSION_PREVIEW_DEPTH = 2
    root = post(reader, "Root of the preview test.")
    replies = [post(commenter, f"Reply number {n}.", parent=root) for n in range(3)]
    level2 = post(reader, "Second level.", parent=replies[0])
    level3 = post(commenter, "Third level.", parent=level2)
    under_third = post(reader, "Under the third reply.", parent=replies[2])
    assert [r.in_preview for r in replies] == [True, True, False]
    assert level2.in_preview is True
    assert level3.in_preview is False
    assert under_third.in_preview is False


def test_deleted_comment_with_replies_leaves_tombstone_and_leaf_disappears(post, reader, commenter, thread):
    root = post(reader, "I will regret this.")
    reply = post(commenter, "Answering you.", parent=root)
    services.comment_delete(comment=root, actor=reader)
    root = _fresh(root)
    assert root.status == S.DELETED
    assert root.body_source == "" and root.body_html == ""
    assert root.reply_count == 1
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)  # the tombstone still shows

    services.comment_delete(comment=reply, actor=commenter)
    thread.refresh_from_db()
    assert _fresh(root).reply_count == 0
    # The tombstone lost its last reply, so it went too.
    assert (thread.comment_count, thread.top_level_count) == (0, 0)


def test_tombstone_chain_collapses_upwards(post, reader, commenter, thread):
    a = post(reader, "Level zero.")
    b = post(commenter, "Level one.", parent=a)
    c = post(reader, "Level two.", parent=b)
    services.comment_set_status(comment=a, status=S.REMOVED, actor=None, reason="Off topic")
    services.comment_set_status(comment=b, status=S.REMOVED, actor=None)
    assert _fresh(a).reply_count == 1  # b is a tombstone with a reply: still shown
    services.comment_set_status(comment=c, status=S.HIDDEN, actor=None)
    assert _fresh(b).reply_count == 0
    assert _fresh(a).reply_count == 0
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (0, 0)
    services.comment_set_status(comment=c, status=S.VISIBLE, actor=None)
    assert (_fresh(a).reply_count, _fresh(b).reply_count) == (1, 1)
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)
    assert _fresh(a).status_reason == "Off topic"


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (S.PENDING, S.VISIBLE, True),
        (S.PENDING, S.REJECTED, True),
        (S.VISIBLE, S.HIDDEN, True),
        (S.VISIBLE, S.REMOVED, True),
        (S.HIDDEN, S.VISIBLE, True),
        (S.REMOVED, S.VISIBLE, True),
        (S.REJECTED, S.VISIBLE, True),
        (S.VISIBLE, S.REJECTED, False),
        (S.REMOVED, S.HIDDEN, False),
        (S.DELETED, S.VISIBLE, False),
        (S.REJECTED, S.REMOVED, False),
    ],
)
def test_status_transitions(post, reader, start, target, allowed):
    comment = post(reader, f"Transition {start} to {target}.")
    path = {
        S.PENDING: [S.PENDING],
        S.VISIBLE: [],
        S.HIDDEN: [S.HIDDEN],
        S.REMOVED: [S.REMOVED],
        S.REJECTED: [S.PENDING, S.REJECTED],
        S.DELETED: [S.DELETED],
    }[start]
    for status in path:
        comment = services.comment_set_status(comment=comment, status=status, actor=None)
    if allowed:
        assert services.comment_set_status(comment=comment, status=target, actor=None).status == target
    else:
        with pytest.raises(ValidationError):
            services.comment_set_status(comment=comment, status=target, actor=None)
        assert _fresh(comment).status == start


def test_counts_follow_pending_approval(post, reader, thread):
    comment = post(reader, "Held for a moment.")
    services.comment_set_status(comment=comment, status=S.PENDING, actor=None)
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (0, 0)
    services.comment_set_status(comment=comment, status=S.VISIBLE, actor=None)
    thread.refresh_from_db()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)


def test_held_comment_is_pending_with_reasons(post, reader, settings, thread):
    settings.MODERATION_MODE = "pre"
    comment = post(reader, "Please review me first.")
    assert comment.status == S.PENDING
    assert comment.moderation_reasons  # the screener's reasons are kept on the comment
    thread.refresh_from_db()
    assert thread.comment_count == 0


def test_rejected_text_is_not_stored(thread, reader):
    with pytest.raises(ValidationError):
        services.comment_create(thread=thread, author=reader, body="   \n ")
    assert Comment.objects.count() == 0


def test_screening_rejection_gives_reader_friendly_reasons():
    rejected = services.CommentRejected(["empty", "The discussion of this article is closed."])
    assert rejected.messages == ["The comment is empty.", "The discussion of this article is closed."]


def test_same_client_token_creates_one_comment(post, reader, thread):
    first = post(reader, "Double click.", client_token="tok-1")
    second = post(reader, "Double click.", client_token="tok-1")
    assert first.pk == second.pk
    assert Comment.objects.count() == 1
    thread.refresh_from_db()
    assert thread.comment_count == 1


def test_client_token_of_someone_else_is_refused(post, reader, commenter):
    post(reader, "Mine.", client_token="tok-2")
    with pytest.raises(ValidationError):
        post(commenter, "Theirs.", client_token="tok-2")


def test_reply_to_comment_of_other_thread_is_refused(post, reader, commenter):
    from tests.discussion.conftest import make_plain_page

    other = services.thread_for_page(page=make_plain_page("Another story"))
    stranger = services.comment_create(thread=other, author=reader, body="Elsewhere.")
    with pytest.raises(ValidationError):
        post(commenter, "Cross-thread reply.", parent=stranger)


def test_closed_thread_refuses_comments(post, reader, editor, thread):
    services.thread_set_state(thread=thread, state="closed", actor=editor)
    with pytest.raises(ValidationError, match="closed"):
        post(reader, "Too late.")


def test_thread_closes_after_rule_days(article, settings):
    from masthead.discussion.models import ClosingRule

    ClosingRule.objects.create(page=article.get_parent(), close_after_days=3)  # a rule on the section
    thread = services.thread_for_page(page=article)
    assert thread.closes_at == article.first_published_at + timedelta(days=3)


def test_reader_cannot_close_thread(thread, reader):
    with pytest.raises(PermissionDenied):
        services.thread_set_state(thread=thread, state="closed", actor=reader)


def test_edit_keeps_revision_and_marks_edited(post, reader):
    comment = post(reader, "Teh first version.")
    edited = services.comment_edit(comment=comment, actor=reader, body="The first version.")
    assert edited.body_html == "<p>The first version.</p>"
    assert edited.edited_at is not None
    assert list(CommentRevision.objects.values_list("body_source", flat=True)) == ["Teh first version."]


def test_edit_window_and_author_enforced(post, reader, commenter):
    comment = post(reader, "Edit window test.")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, actor=commenter, body="Hijacked.")
    later = timezone.now() + timedelta(minutes=16)
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, actor=reader, body="Too late.", now=later)


def test_only_author_deletes(post, reader, commenter):
    comment = post(reader, "Not yours to delete.")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, actor=commenter)


def test_votes_change_counts_and_best_rank(post, reader, commenter, moderator):
    comment = post(reader, "Vote on me.")
    services.comment_vote(comment=comment, user=commenter, value=1)
    services.comment_vote(comment=comment, user=moderator, value=-1)
    fresh = _fresh(comment)
    assert (fresh.upvotes, fresh.downvotes) == (1, 1)
    assert fresh.best_rank == round(services.wilson_lower_bound(1, 1) * 1_000_000)
    services.comment_vote(comment=fresh, user=moderator, value=1)  # changed
    services.comment_vote(comment=fresh, user=commenter, value=0)  # removed
    fresh = _fresh(comment)
    assert (fresh.upvotes, fresh.downvotes) == (1, 0)


def test_cannot_vote_on_own_comment_or_down_when_likes_only(post, reader, commenter):
    comment = post(reader, "Self-love.")
    with pytest.raises(PermissionDenied):
        services.comment_vote(comment=comment, user=reader, value=1)
    with pytest.raises(ValidationError):
        services.comment_vote(comment=comment, user=commenter, value=-1, likes_only=True)


def test_wilson_lower_bound_prefers_evidence():
    assert services.wilson_lower_bound(0, 0) == 0
    assert services.wilson_lower_bound(90, 10) > services.wilson_lower_bound(1, 0)
    assert services.wilson_lower_bound(9, 1) < services.wilson_lower_bound(90, 10)
    assert round(services.wilson_lower_bound(1, 0), 4) == 0.2065


def test_feature_is_for_staff(post, reader, editor):
    comment = post(reader, "Feature-worthy.")
    with pytest.raises(PermissionDenied):
        services.comment_set_featured(comment=comment, featured=True, actor=reader)
    services.comment_set_featured(comment=comment, featured=True, actor=editor)
    assert _fresh(comment).featured is True


def test_thread_for_page_is_one_per_page(article):
    first = services.thread_for_page(page=article)
    assert services.thread_for_page(page=article).pk == first.pk
    assert Thread.objects.filter(page=article).count() == 1


def test_thread_for_external_url_only_on_allowed_hosts(db, settings):
    settings.DISCUSSION_EMBED_HOSTS = ["blog.example.org"]
    with pytest.raises(ValidationError):
        services.thread_for_url(url="https://elsewhere.example.com/post")
    first = services.thread_for_url(url="https://blog.example.org/post?utm=1#top", title="A post")
    again = services.thread_for_url(url="https://blog.example.org/post")
    assert first.pk == again.pk and first.url == "https://blog.example.org/post" and first.page_id is None
