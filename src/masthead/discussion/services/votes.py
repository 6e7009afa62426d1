"""Votes: up and down (or likes only), one per account, changeable and removable."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from masthead.discussion import events
from masthead.discussion.models import Comment, CommentStatus, Vote

_Z = 1.959964  # 95% confidence


def wilson_lower_bound(up: int, down: int) -> float:
    """Lower bound of the Wilson score interval for the share of up-votes (0 with no votes)."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = _Z * _Z
    centre = p + z2 / (2 * n)
    spread = _Z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def comment_vote(*, comment: Comment, user: Any, value: int, likes_only: bool = False) -> Comment:
    """Set ``user``'s vote on ``comment`` to +1, -1, or 0 (no vote)."""
    if value not in (-1, 0, 1):
        raise ValidationError("A vote is 1, -1 or 0.")
    if likes_only and value == -1:
        raise ValidationError("This site only has likes.")
    if not (user is not None and user.is_authenticated):
        raise PermissionDenied("Sign in to vote.")
    if comment.author_id == user.pk:
        raise PermissionDenied("You cannot vote on your own comment.")
    if comment.status != CommentStatus.VISIBLE:
        raise ValidationError("This comment cannot be voted on.")
    with transaction.atomic():
        locked = (
            Comment.objects.select_for_update().only("upvotes", "downvotes", "thread_id").get(pk=comment.pk)
        )
        existing = Vote.objects.filter(comment=locked, user=user).first()
        old = existing.value if existing else 0
        if old == value:
            return locked
        up = locked.upvotes + (value == 1) - (old == 1)
        down = locked.downvotes + (value == -1) - (old == -1)
        if value == 0:
            existing.delete()  # type: ignore[union-attr]
        elif existing:
            existing.value = value
            existing.save(update_fields=["value", "created_at"])
        else:
            Vote.objects.create(comment=locked, user=user, value=value)
        best = round(wilson_lower_bound(up, down) * 1_000_000)
        Comment.objects.filter(pk=locked.pk).update(upvotes=up, downvotes=down, best_rank=best)
        comment.upvotes, comment.downvotes, comment.best_rank = up, down, best
        events.page_changed(comment.thread)
    return comment
