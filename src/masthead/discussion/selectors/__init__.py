"""Reads that feed the discussion pages and the API (``pages``: a thread's pages in display
order; ``rows``: visibility, comment rows, access and counts)."""

from masthead.discussion.selectors.pages import (
    DEFAULT_SORT,
    SORT_LABELS,
    SORTS,
    InvalidCursor,
    Node,
    ThreadPage,
    clean_sort,
    comment_context,
    encode_cursor,
    replies_page,
    thread_page,
)
from masthead.discussion.selectors.rows import (
    CommentRow,
    access_comment,
    hidden_authors,
    new_comment_count,
    shown_q,
    thread_counts,
)

__all__ = [
    "DEFAULT_SORT",
    "SORTS",
    "SORT_LABELS",
    "CommentRow",
    "InvalidCursor",
    "Node",
    "ThreadPage",
    "access_comment",
    "clean_sort",
    "comment_context",
    "encode_cursor",
    "hidden_authors",
    "new_comment_count",
    "replies_page",
    "shown_q",
    "thread_counts",
    "thread_page",
]
