"""Writing imported comments into discussion's tree.

Discussion's ``comment_create`` is for readers: it refuses closed threads and replies to
hidden comments, lets screening reject text, and notifies people. None of that fits history
being moved in, so this is the smallest import path over discussion's models: the tree
fields are filled exactly as discussion fills them, the body goes through discussion's own
renderer and sanitiser, and the thread's denormalised counts are recomputed afterwards.

Screening (``moderation.services.screen_text``) runs on every imported text, but only to
record its reasons on the comment: an import never drops or re-moderates history, so the
status comes from the source (approved, pending, spam, deleted), not from the screener.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F

from masthead.discussion import events
from masthead.discussion.models import TOMBSTONE_STATUSES, Comment, CommentStatus, Thread
from masthead.discussion.rendering import normalise_source, render_markdown
from masthead.moderation import services as moderation
from masthead.transfer.markup import html_to_markdown

S = CommentStatus


def private_email(value: str) -> str:
    """A guest's address, kept on the comment only (never subscribed), or '' when it is not one."""
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


def comment_import(
    *,
    thread: Thread,
    parent: Comment | None,
    status: str,
    created_at: datetime,
    guest_name: str,
    body_html: str = "",
    body_source: str | None = None,
    guest_email: str = "",
    status_reason: str = "",
    article: Any = None,
    screen: bool = True,
    comment_id: int | None = None,
) -> Comment:
    """Insert one imported comment (call inside the transaction that imports its thread or post).

    ``body_html`` is the source platform's HTML; it is converted to comment Markdown and
    rendered by discussion's sanitiser. A Masthead restore passes ``body_source`` (already
    Markdown) and the ``comment_id`` to keep. Deleted comments keep no text, like deleted ones here.
    """
    if body_source is None:
        body_source = html_to_markdown(body_html)
    source = "" if status == S.DELETED else normalise_source(body_source)
    reasons: list[str] = []
    if screen and source:
        reasons = list(moderation.screen_text(text=source, author=None, article=article, warn=False).reasons)
    if parent is None:
        comment = Comment(
            thread=thread, depth=0, ancestors="", sibling_rank=_next_root_rank(thread), in_preview=True
        )
    else:
        rank = parent.replies_total + 1
        Comment.objects.filter(pk=parent.pk).update(replies_total=rank)
        parent.replies_total = rank
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
        )
    comment.guest_name = (guest_name.strip() or "Guest")[:60]
    comment.guest_email = private_email(guest_email)
    comment.body_source = source
    comment.body_html = render_markdown(source) if source else ""
    comment.status = status
    comment.status_reason = status_reason
    comment.moderation_reasons = reasons
    comment.created_at = created_at
    comment.status_changed_at = created_at
    comment.notify_replies = False
    if comment_id is not None:
        comment.pk = comment_id
    comment.save(force_insert=True)
    return comment


def _next_root_rank(thread: Thread) -> int:
    Thread.objects.filter(pk=thread.pk).update(roots_total=F("roots_total") + 1)
    thread.roots_total += 1
    return thread.roots_total


def thread_recount(*, thread: Thread) -> Thread:
    """Recompute a thread's denormalised counts from its comments (after an import wrote them).

    The same rules as discussion's incremental counting: a comment is shown when it is
    visible, or a tombstone that still has shown replies; a top-level comment's subtree
    count is the visible comments below it.
    """
    rows = list(
        Comment.objects.filter(thread=thread)
        .order_by("-depth")
        .values_list("pk", "parent_id", "root_id", "status", "reply_count", "subtree_count", "replies_total")
    )
    shown_replies: dict[int, int] = defaultdict(int)
    all_replies: dict[int, int] = defaultdict(int)
    visible_below: dict[int, int] = defaultdict(int)
    changed: list[Comment] = []
    comment_count = top_level = last_visible = 0
    for pk, parent_id, root_id, status, reply_count, subtree_count, replies_total in rows:
        shown = status == S.VISIBLE or (status in TOMBSTONE_STATUSES and shown_replies[pk] > 0)
        if status == S.VISIBLE:
            comment_count += 1
            last_visible = max(last_visible, pk)
            if root_id is not None:
                visible_below[root_id] += 1
        if parent_id is None:
            top_level += int(shown)
        else:
            all_replies[parent_id] += 1
            shown_replies[parent_id] += int(shown)
        new = (
            shown_replies[pk],
            visible_below[pk] if parent_id is None else 0,
            max(replies_total, all_replies[pk]),
        )
        if new != (reply_count, subtree_count if parent_id is None else 0, replies_total):
            changed.append(Comment(pk=pk, reply_count=new[0], subtree_count=new[1], replies_total=new[2]))
    Comment.objects.bulk_update(changed, ["reply_count", "subtree_count", "replies_total"], batch_size=1000)
    roots = Comment.objects.filter(thread=thread, parent__isnull=True).count()
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=comment_count,
        top_level_count=top_level,
        last_comment_id=last_visible,
        roots_total=max(thread.roots_total, roots),
    )
    # An article's page, or an embedding site's thread page (the API's anonymous copy).
    events.page_changed(thread)
    thread.refresh_from_db()
    return thread
