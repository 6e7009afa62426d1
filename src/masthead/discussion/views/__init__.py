"""HTML views: every reader feature works as plain links and forms; the JS only enhances."""

from masthead.discussion.views.common import (
    article_url,
    comment_or_404,
    message_page,
    thread_for_posting,
    thread_or_404,
)
from masthead.discussion.views.reading import (
    SORT_COOKIE_AGE,
    events_view,
    permalink,
    replies_view,
    sort_view,
    thread_view,
)
from masthead.discussion.views.writing import (
    delete_view,
    edit_view,
    post_view,
    reply_view,
    thread_state_view,
    unsubscribe_view,
    vote_view,
)

__all__ = [
    "SORT_COOKIE_AGE",
    "article_url",
    "comment_or_404",
    "delete_view",
    "edit_view",
    "events_view",
    "message_page",
    "permalink",
    "post_view",
    "replies_view",
    "reply_view",
    "sort_view",
    "thread_for_posting",
    "thread_or_404",
    "thread_state_view",
    "thread_view",
    "unsubscribe_view",
    "vote_view",
]
