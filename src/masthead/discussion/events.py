"""What happens after a discussion change commits: page-cache purge and live-update fan-out."""

from __future__ import annotations

from django.db import transaction

from masthead.core import pagecache
from masthead.discussion import live
from masthead.discussion.models import Thread


def page_changed(thread: Thread) -> None:
    """Purge cached copies of the page that shows ``thread`` once the transaction commits."""
    if thread.page_id is not None:
        scope = f"page:{thread.page_id}"
        transaction.on_commit(lambda: pagecache.bump(scope))


def comment_published(thread: Thread, comment_id: int) -> None:
    """Tell live readers of ``thread`` that a comment appeared (after commit)."""
    thread_id = thread.pk
    transaction.on_commit(lambda: live.announce(thread_id, comment_id))


def settings_changed(**kwargs: object) -> None:
    """Discussion settings (guests, likes) shape every cached discussion block: purge them all."""
    transaction.on_commit(lambda: pagecache.bump("site"))
