"""What happens after a discussion change commits: page-cache purge and live-update fan-out."""

from __future__ import annotations

from django.db import transaction

from masthead.core import pagecache
from masthead.discussion import live
from masthead.discussion.models import Thread


def thread_scope(thread: Thread) -> str:
    """The page-cache scope of what shows ``thread``: its article's page, or the thread itself
    (threads of embedding sites' pages)."""
    return f"page:{thread.page_id}" if thread.page_id is not None else f"thread:{thread.pk}"


def page_changed(thread: Thread) -> None:
    """Purge cached copies of what shows ``thread`` once the change is in (``pagecache.after_change``)."""
    scope = thread_scope(thread)
    pagecache.after_change(lambda: pagecache.bump(scope))


def comment_published(thread: Thread, comment_id: int, *, created: bool = False, purge: bool = False) -> None:
    """Tell live readers of ``thread`` that a comment appeared, once it is in.

    ``created``: the comment was inserted by the open transaction (not an older one approved).
    ``purge``: also do what ``page_changed`` does, in the same cache round trip on Redis.
    """
    thread_id = thread.pk
    # Written inside the SQLite transaction that inserted it, a new comment's id is the
    # thread's newest (writers are serialised, ids rise), so there is nothing to compare with.
    newest = created and pagecache.writes_join_transaction()
    scope = thread_scope(thread) if purge else None
    pagecache.after_change(lambda: live.announce(thread_id, comment_id, newest=newest, purge_scope=scope))


def settings_changed(**kwargs: object) -> None:
    """Discussion settings (guests, likes) shape every cached discussion block: purge them all."""
    transaction.on_commit(lambda: pagecache.bump("site"))
