"""Threads, comments, votes and revisions.

How the tree is stored (docs/decisions/0002-comment-tree-storage.md): every comment keeps
its ``parent``, its ``root``, its ``depth``, its materialised ``ancestors`` path and its
``sibling_rank`` (position among its parent's replies, given once at insert and never
renumbered). ``in_preview`` marks the comments a thread's first page shows under their
top-level comment, so that page is one indexed query whatever the thread's size.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class ThreadState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed (readable, no new comments)"
    HIDDEN = "hidden", "Hidden"


class Thread(models.Model):
    """The discussion of one article (or, for embedding, one external page URL)."""

    page = models.OneToOneField(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discussion_thread",
    )
    url = models.URLField(max_length=500, null=True, blank=True, unique=True)
    title = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=ThreadState.choices, default=ThreadState.OPEN)
    closes_at = models.DateTimeField(null=True, blank=True)
    # Denormalised so the count at the top and in teasers costs no COUNT(*).
    comment_count = models.PositiveIntegerField(default=0)
    top_level_count = models.PositiveIntegerField(default=0)
    roots_total = models.PositiveIntegerField(default=0)  # roots ever posted: gives sibling_rank
    # Highest visible comment id: what live updates compare against.
    last_comment_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=False, url__isnull=True) | Q(page__isnull=True, url__isnull=False),
                name="discussion_thread_page_xor_url",
            )
        ]

    def __str__(self) -> str:
        return self.title or (self.url or f"thread {self.pk}")


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by its author"
    REJECTED = "rejected", "Rejected"


# Statuses that leave a tombstone when the comment has replies still shown.
TOMBSTONE_STATUSES = (CommentStatus.HIDDEN, CommentStatus.REMOVED, CommentStatus.DELETED)


class Comment(models.Model):
    # No index of its own: every index below that starts with the thread serves its lookups.
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments", db_index=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", db_index=False
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    depth = models.PositiveSmallIntegerField(default=0)
    # Ancestor ids, root first, each zero-padded and followed by "/": "000000000012/000000000345/".
    ancestors = models.TextField(blank=True, default="")
    sibling_rank = models.PositiveIntegerField(default=1)
    in_preview = models.BooleanField(default=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    guest_name = models.CharField(max_length=60, blank=True)
    guest_email = models.EmailField(blank=True)

    body_source = models.TextField()
    body_html = models.TextField()
    status = models.CharField(max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE)
    status_reason = models.TextField(blank=True)
    moderation_reasons = models.JSONField(default=list, blank=True)
    featured = models.BooleanField(default=False)

    # Replies shown under this comment (visible, or tombstones that still have replies).
    reply_count = models.PositiveIntegerField(default=0)
    replies_total = models.PositiveIntegerField(default=0)  # replies ever posted: gives sibling_rank
    # Visible comments anywhere below a top-level comment ("most replies" sort).
    subtree_count = models.PositiveIntegerField(default=0)
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    # Wilson lower bound × 1,000,000: an integer so "best" cursors compare exactly.
    best_rank = models.IntegerField(default=0)

    notify_replies = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)
    client_token = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Top-level pages, one index per sort order (scanned backwards for "newest").
            models.Index(
                fields=["thread", "id"], condition=Q(parent__isnull=True), name="comment_roots_by_id"
            ),
            models.Index(
                fields=["thread", "best_rank", "id"],
                condition=Q(parent__isnull=True),
                name="comment_roots_best",
            ),
            models.Index(
                fields=["thread", "subtree_count", "id"],
                condition=Q(parent__isnull=True),
                name="comment_roots_replies",
            ),
            # Reply pages by cursor, and the first N replies of many parents at once.
            models.Index(fields=["parent", "id"], name="comment_replies_by_id"),
            models.Index(fields=["parent", "sibling_rank"], name="comment_replies_rank"),
            # The whole first-page preview of a set of top-level comments.
            models.Index(fields=["root", "in_preview"], name="comment_root_preview"),
            # Live updates: visible comments after an id.
            models.Index(fields=["thread", "status", "id"], name="comment_thread_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "client_token"], name="discussion_comment_client_token"
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} by {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.author is not None:
            return self.author.public_name
        return self.guest_name or "Guest"

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.VISIBLE

    @property
    def is_tombstone(self) -> bool:
        return self.status in TOMBSTONE_STATUSES

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.ancestors.split("/") if part]


class CommentRevision(models.Model):
    """An earlier text of an edited comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body_source = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"


class Vote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes")
    value = models.SmallIntegerField()  # +1 or -1
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="discussion_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="discussion_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on comment {self.comment_id}"


class ClosingRule(models.Model):
    """Close discussions N days after publication under a page (a section) or on one article.

    The nearest rule up the page tree wins; without one, DISCUSSION_CLOSE_AFTER_DAYS applies.
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    close_after_days = models.PositiveIntegerField(help_text="0 keeps discussions open.")

    def __str__(self) -> str:
        return f"{self.page}: {self.close_after_days} days"


@register_setting(icon="comment")
class DiscussionSettings(BaseSiteSetting):
    allow_guests = models.BooleanField(
        default=False, help_text="Let readers without an account comment with a name (no notifications)."
    )
    likes_only = models.BooleanField(
        default=False, help_text="Readers can like comments but not vote them down."
    )

    class Meta:
        verbose_name = "Discussion"
