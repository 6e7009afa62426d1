"""Posting, editing, deleting and moderating comments, keeping every denormalised count right.

Counts kept here (and only here):
- ``Thread.comment_count``: visible comments; ``Thread.top_level_count``: shown top-level ones;
- ``Comment.reply_count``: shown direct replies (visible ones, and tombstones that still
  have replies); a tombstone whose last reply goes becomes a leaf and disappears, which can
  ripple up the tree, so the walk goes up while the "shown" state keeps changing;
- ``Comment.subtree_count`` on top-level comments: visible comments below them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from masthead.core import rows
from masthead.discussion import events
from masthead.discussion.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Thread,
)
from masthead.discussion.rendering import normalise_source, render_markdown
from masthead.discussion.services.counts import apply_counts, subtree_statement, thread_counts_statement
from masthead.discussion.services.threads import thread_is_open
from masthead.moderation import services as moderation
from masthead.moderation.selectors import StandingRead, shadow_banned_user_ids

S = CommentStatus
# Who may move a comment where. Authors delete; moderators do the rest.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.VISIBLE, S.HIDDEN, S.REMOVED, S.REJECTED, S.DELETED},
    S.VISIBLE: {S.PENDING, S.HIDDEN, S.REMOVED, S.DELETED},
    S.HIDDEN: {S.VISIBLE, S.REMOVED, S.DELETED},
    S.REMOVED: {S.VISIBLE},
    S.REJECTED: {S.VISIBLE},
    S.DELETED: set(),
}

# Readers see these words when screening refuses their text.
REASON_WORDS = {
    "empty": "The comment is empty.",
    "profanity": "It contains language the newsroom does not publish.",
    "spam": "It looks like advertising or spam.",
    "links": "It contains too many links.",
    "banned": "Your account cannot comment at the moment.",
    "blocked_term": "It contains a term the newsroom does not publish.",
    "toxicity": "It reads as abusive; please rephrase it.",
}


@dataclass
class CommentRejected(Exception):
    """Screening refused the text; ``reasons`` are the screener's codes."""

    reasons: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        # The screener may give codes ("spam") or sentences meant for the reader.
        words = [
            REASON_WORDS.get(reason)
            or (reason if " " in reason else reason.replace("_", " ").capitalize() + ".")
            for reason in self.reasons
        ]
        return words or ["The comment could not be published."]

    def __str__(self) -> str:
        return " ".join(self.messages)


def _clean_body(body: str) -> str:
    body = normalise_source(body)
    if not body:
        raise ValidationError("Please write a comment.")
    if len(body) > settings.DISCUSSION_MAX_LENGTH:
        raise ValidationError(f"Comments can be at most {settings.DISCUSSION_MAX_LENGTH} characters long.")
    return body


def _screen(
    *,
    body: str,
    author: Any,
    thread: Thread,
    honeypot: str = "",
    standing_read: StandingRead | None = None,
) -> moderation.ScreeningResult:
    # Screening reads the page's tree path and id only, so the base Page will do (its
    # specific subclass would cost a query), and the thread's state is already in hand.
    result = moderation.screen_text(
        text=body,
        author=author,
        article=thread.page,
        honeypot=honeypot,
        discussion_state=thread.state,
        standing_read=standing_read,
    )
    if result.verdict == "reject":
        raise CommentRejected(list(result.reasons))
    return result


def _after_change(
    comment: Comment, *, became_visible: bool, shadow_banned: bool | None = None, created: bool = False
) -> None:
    """Purge, announce and notify after ``comment`` changed. ``shadow_banned``: whether its
    author is shadow-banned, when the caller knows already (screening found out);
    ``created``: the comment is new in this transaction."""
    if shadow_banned is None:
        shadow_banned = _shadow_banned_author(comment)
    # A shadow-banned author's comment is shown to them only: nobody else hears of it.
    if became_visible and not shadow_banned:
        # The announcement purges the thread's pages too, in the same round trip on Redis.
        events.comment_published(comment.thread, comment.pk, created=created, purge=True)
        if comment.parent_id is not None:
            from masthead.discussion.tasks import notify_reply

            comment_id = comment.pk
            transaction.on_commit(lambda: notify_reply.enqueue(comment_id))
    else:
        events.page_changed(comment.thread)


def _shadow_banned_author(comment: Comment) -> bool:
    return comment.author_id is not None and comment.author_id in shadow_banned_user_ids()


def comment_create(
    *,
    thread: Thread,
    author: Any,
    body: str,
    parent: Comment | None = None,
    guest_name: str = "",
    guest_email: str = "",
    notify_replies: bool = False,
    client_token: str | None = None,
    honeypot: str = "",
    now: datetime | None = None,
    standing_read: StandingRead | None = None,
) -> Comment:
    """Screen and post a comment (or a reply to ``parent``).

    ``author`` is an account or None for a guest (the caller checks the site allows guests).
    A repeated ``client_token`` returns the comment it already created. ``honeypot`` is the
    form's hidden field, passed to screening; ``standing_read``, the author's standing as
    read with the thread (``thread_for_posting``), spares screening its own query. Raises
    ``ValidationError`` for bad input or a closed thread, ``CommentRejected`` when screening refuses.
    """
    now = now or timezone.now()
    body = _clean_body(body)
    if author is None and not guest_name.strip():
        raise ValidationError("Please give a name to comment as a guest.")
    client_token = (client_token or "").strip()[:64] or None
    if client_token:
        existing = Comment.objects.filter(thread=thread, client_token=client_token).first()
        if existing is not None:
            return _same_author_or_error(existing, author)
    if not thread_is_open(thread, now):
        raise ValidationError("This discussion is closed.")
    if parent is not None and (parent.thread_id != thread.pk or parent.status != S.VISIBLE):
        raise ValidationError("That comment cannot be replied to.")
    result = _screen(body=body, author=author, thread=thread, honeypot=honeypot, standing_read=standing_read)
    status = S.VISIBLE if result.verdict == "publish" else S.PENDING
    # Rendered before the transaction: on SQLite it holds the only write lock.
    body_html = render_markdown(body)
    fields: dict[str, Any] = {
        "author": author,
        "body": body,
        "body_html": body_html,
        "status": status,
        "result": result,
        "guest_name": guest_name.strip()[:60] if author is None else "",
        "guest_email": guest_email.strip() if author is None else "",
        "notify_replies": notify_replies and author is not None,
        "client_token": client_token,
    }
    try:
        if status == S.VISIBLE:
            published = _publish(thread=thread, parent=parent, now=now, **fields)
            if published is not None:
                return published
        with transaction.atomic():
            comment = _insert(thread=thread, parent=parent, now=now, **fields)
            moderation.screening_recorded(target=comment, result=result, author=author, edited=False)
            if status == S.VISIBLE:
                # Last statement of the transaction: the thread row it locks is every
                # poster's, so it is held only until the commit that follows.
                apply_counts(comment, old_status=None, new_status=status)
                _after_change(comment, became_visible=True, shadow_banned=result.shadow_banned, created=True)
            # A held comment changes nothing an anonymous (cached) page shows: no purge;
            # approving it later goes through comment_set_status, which purges.
    except IntegrityError:
        # A double submit raced us to the unique (thread, client_token) constraint.
        if client_token is None:
            raise
        existing = Comment.objects.get(thread=thread, client_token=client_token)
        return _same_author_or_error(existing, author)
    return comment


def _publish(*, thread: Thread, parent: Comment | None, now: datetime, **fields: Any) -> Comment | None:
    """Post a published comment with its screening record, its author's standing and the
    counts it moves, in the fewest round trips (docs/performance.md): a top-level comment in
    one write (on PostgreSQL one statement, without transaction round trips), a reply in a
    transaction of two (its parent's counts, which rank it and lock the parent, then the
    rest). None when its screening needs more recording (an audit event): the caller then
    writes it the general way."""
    result: moderation.ScreeningResult = fields["result"]
    writes = moderation.screening_writes(
        model=Comment, result=result, author=fields["author"], article=thread.page
    )
    counts = thread_counts_statement(
        thread.pk, comments=1, top_level=int(parent is None), last_comment_id=rows.NEW_KEY
    )
    if writes is None or counts is None:
        return None

    def after() -> None:
        _after_change(comment, became_visible=True, shadow_banned=result.shadow_banned, created=True)

    if parent is None:
        comment = _new_comment(thread=thread, parent=None, now=now, **fields)
        # The counts last, as in apply_counts: the thread row is every poster's.
        return rows.insert_then(comment, [*writes, counts], after=after)
    with transaction.atomic():
        # The parent stays visible (it is locked, and shown whatever its replies), so the
        # counts stop there: its replies, the root's subtree, the thread (apply_counts' walk).
        comment = _new_comment(thread=thread, parent=parent, now=now, shown=True, **fields)
        root_id = parent.root_id or parent.pk
        root = [] if root_id == parent.pk else [subtree_statement(root_id, 1)]
        return rows.insert_then(comment, [*writes, *root, counts], after=after, savepoint=False)


def _same_author_or_error(existing: Comment, author: Any) -> Comment:
    author_id = getattr(author, "pk", None)
    if existing.author_id != author_id:
        raise ValidationError("This form was already used; please reload the page.")
    return existing


def _insert(*, thread: Thread, parent: Comment | None, now: datetime, **fields: Any) -> Comment:
    return rows.insert(_new_comment(thread=thread, parent=parent, now=now, **fields))


def _new_comment(
    *, thread: Thread, parent: Comment | None, now: datetime, shown: bool = False, **fields: Any
) -> Comment:
    """The unsaved comment; for a reply, ranked among its siblings (inside the transaction:
    see ``_take_rank``, whose ``shown`` this passes on)."""
    if parent is None:
        comment = Comment(
            thread=thread, depth=0, ancestors="", sibling_rank=1, in_preview=True, created_at=now
        )
    else:
        rank = _take_rank(parent, shown=shown)
        depth = parent.depth + 1
        comment = Comment(
            thread=thread,
            parent=parent,
            root_id=parent.root_id or parent.pk,
            depth=depth,
            ancestors=f"{parent.ancestors}{parent.pk:012d}/",
            sibling_rank=rank,
            in_preview=parent.in_preview
            and rank <= settings.DISCUSSION_PREVIEW_REPLIES
            and depth <= settings.DISCUSSION_PREVIEW_DEPTH,
            created_at=now,
        )
    comment.body_html = fields.pop("body_html")
    comment.body_source = fields.pop("body")
    comment.status = fields.pop("status")
    comment.moderation_reasons = list(fields.pop("result").reasons)
    comment.status_changed_at = now
    for name, value in fields.items():
        setattr(comment, name, value)
    return comment


def _take_rank(parent: Comment, *, shown: bool) -> int:
    """Count a new reply in ``parent`` and return its rank among the parent's replies, in one
    UPDATE whose row lock orders concurrent replies (ranks are unique and never renumbered).
    ``shown``: the reply is published, so it also counts in the parent's shown replies, and
    in its subtree when the parent is top-level. Raises ValidationError when the parent is
    no longer visible (moderated since the caller looked)."""
    quote = connection.ops.quote_name
    table, total, replies, subtree, key, status = (
        quote(name)
        for name in (Comment._meta.db_table, "replies_total", "reply_count", "subtree_count", "id", "status")
    )
    sql = (
        f"UPDATE {table} SET {total} = {total} + 1, {replies} = {replies} + %s, "  # noqa: S608 - quoted names, bound values
        f"{subtree} = {subtree} + %s WHERE {key} = %s AND {status} = %s RETURNING {total}"
    )
    added = int(shown)
    with connection.cursor() as cursor:
        cursor.execute(sql, [added, added if parent.parent_id is None else 0, parent.pk, S.VISIBLE])
        row = cursor.fetchone()
    if row is None:
        raise ValidationError("That comment cannot be replied to.")
    return int(row[0])


def comment_edit(*, comment: Comment, actor: Any, body: str, now: datetime | None = None) -> Comment:
    """The author rewrites their comment within the edit window; the old text is kept as a revision."""
    now = now or timezone.now()
    if not comment_can_edit(comment=comment, user=actor, now=now):
        raise PermissionDenied("This comment can no longer be edited.")
    body = _clean_body(body)
    if body == comment.body_source:
        return comment
    thread = comment.thread
    result = _screen(body=body, author=actor, thread=thread)
    body_html = render_markdown(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        CommentRevision.objects.create(comment=locked, body_source=locked.body_source, created_at=now)
        old_status = locked.status
        locked.body_source = body
        locked.body_html = body_html
        locked.edited_at = now
        locked.moderation_reasons = list(result.reasons)
        if result.verdict == "hold" and old_status == S.VISIBLE:
            locked.status = S.PENDING
            locked.status_changed_at = now
        locked.save()
        if locked.status != old_status:
            apply_counts(locked, old_status=old_status, new_status=locked.status)
        moderation.screening_recorded(target=locked, result=result, author=actor)
        events.page_changed(thread)
    return locked


def comment_can_edit(*, comment: Comment, user: Any, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    window = timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW_SECONDS)
    return (
        user is not None
        and user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in (S.VISIBLE, S.PENDING)
        and now - comment.created_at <= window
        and thread_is_open(comment.thread, now)
    )


def comment_delete(*, comment: Comment, actor: Any) -> Comment:
    """The author deletes their comment: its text goes; a tombstone stays if it has replies."""
    if not (actor is not None and actor.is_authenticated and comment.author_id == actor.pk):
        raise PermissionDenied("You can only delete your own comments.")
    return comment_set_status(comment=comment, status=S.DELETED, actor=actor)


def comment_set_status(*, comment: Comment, status: str, actor: Any, reason: str = "") -> Comment:
    """Move ``comment`` to ``status`` (approve, reject, hide, remove, restore, delete).

    Keeps reply and thread counts right, and stores ``reason`` so the author sees why their
    comment was rejected or removed. Raises ``ValidationError`` for a move the lifecycle forbids.
    """
    if status not in S.values:
        raise ValidationError(f"Unknown comment status {status!r}.")
    now = timezone.now()
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("thread").get(pk=comment.pk)
        old_status = locked.status
        if status == old_status:
            return locked
        if status not in ALLOWED_TRANSITIONS[old_status]:
            raise ValidationError(f"A {old_status} comment cannot become {status}.")
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = now
        fields = ["status", "status_reason", "status_changed_at"]
        if status == S.DELETED:
            # The author asked for their words to go; the tombstone shows no text.
            locked.body_source = ""
            locked.body_html = ""
            fields += ["body_source", "body_html"]
            CommentRevision.objects.filter(comment=locked).delete()
        locked.save(update_fields=fields)
        apply_counts(locked, old_status=old_status, new_status=status)
        _after_change(locked, became_visible=status == S.VISIBLE)
    return locked


def comment_set_featured(*, comment: Comment, featured: bool, actor: Any) -> Comment:
    """Mark a comment as an editors' pick (newsroom staff only)."""
    if not (actor is not None and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied("Only the newsroom can feature comments.")
    Comment.objects.filter(pk=comment.pk).update(featured=featured)
    comment.featured = featured
    events.page_changed(comment.thread)
    return comment
