"""The denormalised counts a comment's status moves: the thread's, its root's subtree, and
each ancestor's shown replies. Called inside the transaction that changed the comment."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.functions import Greatest

from masthead.core import rows
from masthead.discussion.models import TOMBSTONE_STATUSES, Comment, CommentStatus, Thread

S = CommentStatus


def _shown(status: str, reply_count: int) -> bool:
    return status == S.VISIBLE or (status in TOMBSTONE_STATUSES and reply_count > 0)


def apply_counts(comment: Comment, *, old_status: str | None, new_status: str) -> None:
    """Move the denormalised counts for ``comment`` going from ``old_status`` to ``new_status``.

    Call inside the transaction, with ``comment`` saved in its new status.
    """
    was_visible = old_status == S.VISIBLE
    now_visible = new_status == S.VISIBLE
    visible_delta = int(now_visible) - int(was_visible)
    shown_delta = int(_shown(new_status, comment.reply_count)) - int(
        old_status is not None and _shown(old_status, comment.reply_count)
    )
    if visible_delta and comment.root_id is not None:
        Comment.objects.filter(pk=comment.root_id).update(subtree_count=F("subtree_count") + visible_delta)
    top_level_delta = shown_delta if comment.parent_id is None else 0
    node_parent_id = comment.parent_id
    while shown_delta and node_parent_id is not None:
        parent = (
            Comment.objects.select_for_update()
            .only("status", "reply_count", "parent_id")
            .get(pk=node_parent_id)
        )
        before = _shown(parent.status, parent.reply_count)
        parent.reply_count = max(0, parent.reply_count + shown_delta)
        Comment.objects.filter(pk=parent.pk).update(reply_count=parent.reply_count)
        shown_delta = int(_shown(parent.status, parent.reply_count)) - int(before)
        if parent.parent_id is None:
            top_level_delta = shown_delta
        node_parent_id = parent.parent_id
    # Last, so the hot thread row stays locked for the shortest time.
    _count_in_thread(
        comment.thread_id,
        comments=visible_delta,
        top_level=top_level_delta,
        last_comment_id=comment.pk if now_visible else None,
    )


_GREATEST = {"sqlite": "MAX", "postgresql": "GREATEST"}


def thread_counts_statement(
    thread_id: int, *, comments: int, top_level: int, last_comment_id: Any
) -> rows.Statement | None:
    """The UPDATE moving a thread's counts, and its newest comment id up to ``last_comment_id``
    (an id, ``rows.NEW_KEY`` or None); None when nothing moves or the database is neither
    SQLite nor PostgreSQL (then ``_count_in_thread`` uses the ORM)."""
    greatest = _GREATEST.get(connection.vendor)
    if greatest is None:
        return None
    # Written out for SQLite and PostgreSQL: the ORM compiled these expressions on every
    # comment, inside the write transaction that every poster of the thread queues for.
    quote = connection.ops.quote_name
    assignments: list[str] = []
    params: list[Any] = []
    for column, delta in (("comment_count", comments), ("top_level_count", top_level)):
        if delta:
            assignments.append(f"{quote(column)} = {quote(column)} + %s")
            params.append(delta)
    if last_comment_id is not None:
        column = quote("last_comment_id")
        assignments.append(f"{column} = {greatest}({column}, %s)")
        params.append(last_comment_id)
    if not assignments:
        return None
    table = quote(Thread._meta.db_table)
    sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE {quote('id')} = %s"  # noqa: S608 - quoted names, bound values
    return rows.Statement(sql, [*params, thread_id])


def subtree_statement(root_id: int, delta: int) -> rows.Statement:
    """The UPDATE moving a top-level comment's count of visible comments below it."""
    quote = connection.ops.quote_name
    table, subtree, key = (quote(name) for name in (Comment._meta.db_table, "subtree_count", "id"))
    sql = f"UPDATE {table} SET {subtree} = {subtree} + %s WHERE {key} = %s"  # noqa: S608 - quoted names, bound values
    return rows.Statement(sql, [delta, root_id])


def _count_in_thread(thread_id: int, *, comments: int, top_level: int, last_comment_id: int | None) -> None:
    """Move a thread's counts, and its newest comment id up to ``last_comment_id``, in one UPDATE."""
    if connection.vendor in _GREATEST:
        statement = thread_counts_statement(
            thread_id, comments=comments, top_level=top_level, last_comment_id=last_comment_id
        )
        if statement is not None:
            rows.run(statement)
        return
    updates: dict[str, Any] = {}
    if comments:
        updates["comment_count"] = F("comment_count") + comments
    if top_level:
        updates["top_level_count"] = F("top_level_count") + top_level
    if last_comment_id is not None:
        updates["last_comment_id"] = Greatest(F("last_comment_id"), last_comment_id)
    if updates:
        Thread.objects.filter(pk=thread_id).update(**updates)
