"""State changes of the discussion app (keyword-only, typed, named ``<entity>_<verb>``)."""

from masthead.discussion.services.comments import (
    CommentRejected,
    comment_can_edit,
    comment_create,
    comment_delete,
    comment_edit,
    comment_set_featured,
    comment_set_status,
)
from masthead.discussion.services.notifications import notifications_unsubscribe, unsubscribe_token
from masthead.discussion.services.threads import thread_for_page, thread_for_url, thread_set_state
from masthead.discussion.services.votes import comment_vote, wilson_lower_bound

__all__ = [
    "CommentRejected",
    "comment_can_edit",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_set_featured",
    "comment_set_status",
    "comment_vote",
    "notifications_unsubscribe",
    "thread_for_page",
    "thread_for_url",
    "thread_set_state",
    "unsubscribe_token",
    "wilson_lower_bound",
]
