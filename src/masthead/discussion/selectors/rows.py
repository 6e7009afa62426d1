"""Who sees which comments, and the rows a page reads: visibility, the light comment rows,
a reader's votes, one comment's access, counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from masthead.discussion.models import TOMBSTONE_STATUSES, Comment, CommentStatus, Thread, Vote
from masthead.moderation.selectors import shadow_banned_user_ids


def _viewer_id(user: Any) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def hidden_authors(user: Any) -> frozenset[int]:
    """Authors whose comments ``user`` must not see: the shadow-banned, except ``user`` themselves.

    One cached lookup; call it once per page and pass the result on.
    """
    return shadow_banned_user_ids() - {_viewer_id(user)}


def shown_q(user: Any, hidden: frozenset[int] = frozenset()) -> Q:
    """Comments a reader sees: visible ones, tombstones that still have replies, their own pending
    ones; none by the ``hidden`` authors (see ``hidden_authors``)."""
    q = Q(status=CommentStatus.VISIBLE) | Q(status__in=TOMBSTONE_STATUSES, reply_count__gt=0)
    if user is not None and user.is_authenticated:
        q |= Q(status=CommentStatus.PENDING, author_id=user.pk)
    if hidden:
        # Sorted literals: the same ids give the same SQL, whatever the set's order.
        q &= ~Q(author_id__in=sorted(hidden))
    return q


def _is_shown(comment: Comment) -> bool:
    return comment.status == CommentStatus.VISIBLE or (comment.is_tombstone and comment.reply_count > 0)


_ROW_FIELDS = (
    "id",
    "thread_id",
    "parent_id",
    "root_id",
    "depth",
    "status",
    "status_reason",
    "author_id",
    "guest_name",
    "body_html",
    "featured",
    "reply_count",
    "subtree_count",
    "upvotes",
    "downvotes",
    "best_rank",
    "created_at",
    "edited_at",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author__email",
)


class CommentRow:
    """What a page shows of a comment, read with ``values_list``: a page builds a few hundred
    of these, and a full model instance (with its author's) costs several times more."""

    __slots__ = (*(name for name in _ROW_FIELDS if not name.startswith("author__")), "display_name")

    def __init__(self, values: tuple[Any, ...]) -> None:
        (
            self.id, self.thread_id, self.parent_id, self.root_id, self.depth, self.status, self.status_reason,
            self.author_id, self.guest_name, self.body_html, self.featured, self.reply_count, self.subtree_count,
            self.upvotes, self.downvotes, self.best_rank, self.created_at, self.edited_at,
            display, first, last, email,
        ) = values  # fmt: skip
        if self.author_id is None:
            self.display_name = self.guest_name or "Guest"
        else:
            self.display_name = display or f"{first} {last}".strip() or email.split("@", 1)[0]

    @property
    def pk(self) -> int:
        return self.id

    @property
    def is_tombstone(self) -> bool:
        return self.status in TOMBSTONE_STATUSES

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.VISIBLE


def _rows(queryset: QuerySet[Comment]) -> list[Any]:
    return [CommentRow(values) for values in queryset.values_list(*_ROW_FIELDS)]


def _comments(filter_q: Q, shown: Q) -> list[Any]:
    return _rows(Comment.objects.filter(filter_q).filter(shown))


def _votes(user: Any, comments: Iterable[Comment]) -> dict[int, int]:
    if user is None or not user.is_authenticated:
        return {}
    ids = [c.pk for c in comments if c.status == CommentStatus.VISIBLE]
    if not ids:
        return {}
    return dict(Vote.objects.filter(user=user, comment_id__in=ids).values_list("comment_id", "value"))


def thread_counts(*, page_ids: list[int]) -> dict[int, int]:
    """Comment counts of many articles in one query (teasers on lists)."""
    return dict(Thread.objects.filter(page_id__in=page_ids).values_list("page_id", "comment_count"))


def access_comment(*, user: Any, comment_id: int, for_update: bool = False) -> Comment:
    """The comment ``user`` may see, or ``Comment.DoesNotExist``.

    Readers see visible comments and tombstones, except shadow-banned authors' comments;
    authors also see their own pending, hidden, removed and rejected comments (with the
    reason); staff see everything.
    """
    queryset = Comment.objects.select_related("author", "thread")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    comment = queryset.get(pk=comment_id)
    is_staff = user is not None and user.is_authenticated and user.is_staff
    is_author = user is not None and user.is_authenticated and comment.author_id == user.pk
    if comment.thread.state == "hidden" and not is_staff:
        raise Comment.DoesNotExist
    if comment.status == CommentStatus.VISIBLE and _shadow_hidden(comment, is_author or is_staff):
        raise Comment.DoesNotExist
    if comment.status == CommentStatus.VISIBLE:
        return comment
    if comment.is_tombstone and comment.status != CommentStatus.DELETED and is_author:
        return comment
    if comment.is_tombstone and comment.reply_count > 0:
        return comment
    if is_author and comment.status != CommentStatus.DELETED:
        return comment
    if is_staff:
        return comment
    raise Comment.DoesNotExist


def _shadow_hidden(comment: Comment, privileged: bool) -> bool:
    """A shadow-banned author's comment, asked for by someone other than them or staff."""
    return not privileged and comment.author_id is not None and comment.author_id in shadow_banned_user_ids()


def new_comment_count(*, thread: Thread, after: int, cap: int = 100) -> int:
    """Visible comments posted after id ``after`` (at most ``cap``: "99+ new comments" is enough).

    Shadow-banned authors' comments are never counted: they are never announced either.
    """
    hidden = shadow_banned_user_ids()
    return (
        Comment.objects.filter(thread=thread, status=CommentStatus.VISIBLE, id__gt=after)
        .exclude(author_id__in=sorted(hidden))
        .order_by()
        .values("id")[:cap]
        .count()
    )
