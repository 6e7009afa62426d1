"""A thread's pages in display order: sorts and cursors, the first page, a comment's replies,
a permalink's context.

Every page is a bounded number of indexed queries, whatever the thread's size:
- ``thread_page``: one query for a page of top-level comments and their previews;
- ``replies_page``: one query for a page of a comment's replies and their first replies;
- ``comment_context`` (permalinks): the comment, its ancestors, a window of its siblings
  and its first replies, in four queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from masthead.discussion.models import Comment, Thread
from masthead.discussion.selectors.rows import _comments, _is_shown, _rows, _votes, hidden_authors, shown_q

SORTS = ("oldest", "newest", "best", "replies")
DEFAULT_SORT = "oldest"
SORT_LABELS = {"oldest": "Oldest", "newest": "Newest", "best": "Best", "replies": "Most replies"}
# Sort column of each top-level order, beside the id that breaks ties.
_SORT_COLUMN = {"best": "best_rank", "replies": "subtree_count"}


class InvalidCursor(ValueError):
    pass


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)
    more_replies: int = 0  # shown replies not on this page
    more_after: int | None = None  # cursor (last shown reply's id) for "show more replies"
    parent_name: str = ""
    vote: int = 0
    focus: bool = False


@dataclass
class ThreadPage:
    thread: Thread
    sort: str
    nodes: list[Node]
    next_cursor: str | None = None
    parent: Comment | None = None  # set on a page of replies
    earlier: bool = False  # a permalink window has earlier siblings
    focus: Comment | None = None


def clean_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def encode_cursor(sort: str, comment: Comment) -> str:
    column = _SORT_COLUMN.get(sort)
    return f"{getattr(comment, column)}.{comment.pk}" if column else str(comment.pk)


def _parse_cursor(sort: str, raw: str) -> tuple[int, int]:
    try:
        parts = [int(part) for part in raw.split(".")]
    except ValueError as exc:
        raise InvalidCursor("The page cursor is not valid.") from exc
    expected = 2 if sort in _SORT_COLUMN else 1
    if len(parts) != expected or any(part < 0 for part in parts):
        raise InvalidCursor("The page cursor is not valid.")
    return (parts[0], parts[1]) if expected == 2 else (0, parts[0])


def _order_roots(queryset: QuerySet[Comment], sort: str, cursor: str | None) -> QuerySet[Comment]:
    column = _SORT_COLUMN.get(sort, "")
    if cursor:
        value, last_id = _parse_cursor(sort, cursor)
        if sort == "oldest":
            queryset = queryset.filter(id__gt=last_id)
        elif sort == "newest":
            queryset = queryset.filter(id__lt=last_id)
        else:
            queryset = queryset.filter(
                Q(**{f"{column}__lt": value}) | Q(**{column: value, "id__lt": last_id})
            )
    if sort == "oldest":
        return queryset.order_by("id")
    if sort == "newest":
        return queryset.order_by("-id")
    return queryset.order_by(f"-{column}", "-id")


def _root_key(sort: str):  # type: ignore[no-untyped-def]
    column = _SORT_COLUMN.get(sort, "")
    if sort == "oldest":
        return lambda c: c.pk
    if sort == "newest":
        return lambda c: -c.pk
    return lambda c: (-getattr(c, column), -c.pk)


def _build(rows: list[Comment], top: list[Comment], votes: dict[int, int]) -> list[Node]:
    """Nest ``rows`` under their parents; children keep chronological (id) order."""
    nodes = {c.pk: Node(c, vote=votes.get(c.pk, 0)) for c in rows}
    top_ids = {c.pk for c in top}
    for comment in sorted(rows, key=lambda c: c.pk):
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is not None and comment.pk not in top_ids:
            child = nodes[comment.pk]
            child.parent_name = parent.comment.display_name
            parent.children.append(child)
    for node in nodes.values():
        shown_children = sum(1 for child in node.children if _is_shown(child.comment))
        node.more_replies = max(0, node.comment.reply_count - shown_children)
        node.more_after = node.children[-1].comment.pk if node.children else None
    return [nodes[c.pk] for c in top if c.pk in nodes]


def thread_page(
    *, thread: Thread, user: Any, sort: str = DEFAULT_SORT, cursor: str | None = None
) -> ThreadPage:
    """A page of top-level comments in ``sort`` order, each with its first replies (two queries).

    The page's root ids are read first, on the sort's partial index, and passed as literals:
    as a subquery inside the OR, PostgreSQL's planner scans every comment of the site.
    """
    sort = clean_sort(sort)
    size = settings.DISCUSSION_PAGE_SIZE
    shown = shown_q(user, hidden_authors(user))
    roots = Comment.objects.filter(thread=thread, parent__isnull=True).filter(shown)
    root_ids = list(_order_roots(roots, sort, cursor).values_list("id", flat=True)[: size + 1])
    if not root_ids:
        return ThreadPage(thread=thread, sort=sort, nodes=[], next_cursor=None)
    rows = _comments(Q(pk__in=root_ids) | Q(root_id__in=root_ids, in_preview=True), shown)
    top = sorted((c for c in rows if c.parent_id is None), key=_root_key(sort))
    next_cursor = None
    if len(top) > size:
        top = top[:size]
        next_cursor = encode_cursor(sort, top[-1])
    kept = {c.pk for c in top}
    rows = _within_budget([c for c in rows if c.pk in kept or c.root_id in kept], top)
    nodes = _build(rows, top, _votes(user, rows))
    return ThreadPage(thread=thread, sort=sort, nodes=nodes, next_cursor=next_cursor)


def _within_budget(rows: list[Any], top: list[Any]) -> list[Any]:
    """The page's top-level comments and as many of their preview replies as
    ``DISCUSSION_PAGE_COMMENTS`` allows, shallowest first and in page order at each depth.

    Old comments of a busy thread gather the most replies, so without a budget the first
    page of a 100,000-comment thread weighed 60% more than a 10,000-comment one. A reply is
    kept only with its parent and after its earlier siblings, so what is dropped is always
    the end of a reply list, which the "show more replies" link then continues.
    """
    budget = settings.DISCUSSION_PAGE_COMMENTS - len(top)
    if len(rows) - len(top) <= budget:
        return rows
    position = {c.pk: index for index, c in enumerate(top)}
    kept = set(position)
    replies = sorted(
        (c for c in rows if c.pk not in position), key=lambda c: (c.depth, position[c.root_id], c.pk)
    )
    for reply in replies:
        if budget <= 0:
            break
        if reply.parent_id in kept:
            kept.add(reply.pk)
            budget -= 1
    return [c for c in rows if c.pk in kept]


def replies_page(*, parent: Comment, user: Any, cursor: str | None = None) -> ThreadPage:
    """A page of ``parent``'s replies (oldest first) after ``cursor``, each with its first replies."""
    size = settings.DISCUSSION_PAGE_SIZE
    shown = shown_q(user, hidden_authors(user))
    children = Comment.objects.filter(parent=parent).filter(shown).order_by("id")
    if cursor:
        children = children.filter(id__gt=_parse_cursor("oldest", cursor)[1])
    # Literal ids, not a subquery: see thread_page.
    child_ids = list(children.values_list("id", flat=True)[: size + 1])
    preview = settings.DISCUSSION_PREVIEW_REPLIES
    rows = _comments(Q(pk__in=child_ids) | Q(parent_id__in=child_ids, sibling_rank__lte=preview), shown)
    top = sorted((c for c in rows if c.parent_id == parent.pk), key=lambda c: c.pk)
    next_cursor = None
    if len(top) > size:
        top = top[:size]
        next_cursor = str(top[-1].pk)
    kept = {c.pk for c in top}
    rows = [c for c in rows if c.pk in kept or c.parent_id in kept]
    nodes = _build(rows, top, _votes(user, rows))
    for node in nodes:
        node.parent_name = parent.display_name
    return ThreadPage(
        thread=parent.thread, sort="oldest", nodes=nodes, next_cursor=next_cursor, parent=parent
    )


def comment_context(*, comment: Comment, user: Any, window: int = 5) -> ThreadPage:
    """A permalink's view: ``comment`` with its ancestors, ``window`` siblings each side, its first replies."""
    visible = shown_q(user, hidden_authors(user))
    ancestors = _rows(Comment.objects.filter(pk__in=comment.ancestor_ids))
    ancestors.sort(key=lambda c: c.depth)
    if comment.parent_id is None:
        siblings = Comment.objects.filter(thread_id=comment.thread_id, parent__isnull=True)
    else:
        siblings = Comment.objects.filter(parent_id=comment.parent_id)
    siblings = siblings.filter(visible)
    before = _rows(siblings.filter(id__lt=comment.pk).order_by("-id")[: window + 1])
    after = _rows(siblings.filter(id__gt=comment.pk).order_by("id")[: window + 1])
    earlier = len(before) > window
    before = before[:window]
    has_more = len(after) > window
    after = after[:window]
    preview = settings.DISCUSSION_PREVIEW_REPLIES
    replies = _comments(Q(parent_id=comment.pk, sibling_rank__lte=preview), visible)
    level = [*reversed(before), comment, *after]
    rows = [*ancestors, *level, *replies]
    votes = _votes(user, rows)
    nodes = _build([*level, *replies], level, votes)
    for node in nodes:
        node.focus = node.comment.pk == comment.pk
        node.parent_name = ancestors[-1].display_name if ancestors else ""
    after_cursor = after[-1].pk if has_more else None
    if not ancestors:
        cursor = str(after_cursor) if after_cursor else None
        return ThreadPage(
            thread=comment.thread,
            sort="oldest",
            nodes=nodes,
            next_cursor=cursor,
            earlier=earlier,
            focus=comment,
        )
    children = nodes
    for index, ancestor in enumerate(reversed(ancestors)):
        node = Node(ancestor, children=children, vote=votes.get(ancestor.pk, 0))
        if index == 0:
            # The window's parent: "more" continues after the window, or from the start if
            # only earlier replies are missing.
            node.more_after = after_cursor
            missing = has_more or earlier
            node.more_replies = max(1, ancestor.reply_count - len(children)) if missing else 0
        else:
            # Only the way down is shown; offer the rest when there is more than that.
            node.more_replies = ancestor.reply_count if ancestor.reply_count > 1 else 0
        depth_index = len(ancestors) - index - 1
        node.parent_name = ancestors[depth_index - 1].display_name if depth_index > 0 else ""
        children = [node]
    return ThreadPage(thread=comment.thread, sort="oldest", nodes=children, earlier=earlier, focus=comment)
