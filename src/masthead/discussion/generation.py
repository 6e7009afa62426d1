"""Generate a large, plausible thread fast (demo and benchmark), with bulk inserts.

Rows are built in memory with every storage column the services would have set (ancestor
path, sibling rank, preview flag, counts, Wilson rank) and written in batches with
explicit ids, so 100,000 comments take seconds. Run it on a quiet thread: it does not
take the row locks live posting uses.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from masthead.discussion import events
from masthead.discussion.models import Comment, CommentStatus, Thread
from masthead.discussion.rendering import render_markdown
from masthead.discussion.services.votes import wilson_lower_bound

_OPENINGS = [
    "I live two streets from the pumping station",
    "The council's own report says otherwise",
    "Nobody has explained where the money went",
    "This is the third winter in a row",
    "My grandmother remembers the old embankment",
    "The insurance companies already know the answer",
    "Read the article again, slowly",
    "Thanks for covering this when nobody else did",
    "The map makes it look better than it is",
    "We were told the dykes would hold",
]
_MIDDLES = [
    "and the water reached the bakery by noon.",
    "but the ferry timetable was never the real problem.",
    "so I do not see how anyone can call it a surprise.",
    "and the photos on page two show exactly that.",
    "which is why the meeting on Thursday matters.",
    "yet the engineers were not even invited to speak.",
    "and the drainage ditch behind the school is still blocked.",
]
_CLOSINGS = [
    "",
    "\n\nWe will see who is right by spring.",
    "\n\nI would *love* to be proven wrong.",
    "\n\n> They promised a plan by March.\n\nIt is November.",
    "\n\nSources: the minutes are public, [read them](https://example.org/minutes).",
]

GENERATED_EMAIL_DOMAIN = "generated.masthead.invalid"
UNUSABLE_PASSWORD = make_password(None)


def _authors(count: int) -> list[Any]:
    user_model = get_user_model()
    emails = [f"reader{n:03d}@{GENERATED_EMAIL_DOMAIN}" for n in range(count)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    user_model.objects.bulk_create(
        [
            user_model(email=email, display_name=f"Reader {index:03d}", password=UNUSABLE_PASSWORD)
            for index, email in enumerate(emails)
            if email not in existing
        ]
    )
    return list(user_model.objects.filter(email__in=emails).order_by("email"))


def thread_generate(
    *,
    thread: Thread,
    count: int,
    seed: int = 7,
    batch_size: int = 5000,
    log: Callable[[str], None] | None = None,
) -> int:
    """Add ``count`` visible comments to ``thread``: about a quarter top-level, the rest replies
    to recent comments (as conversations go), up to 12 levels deep. Returns comments created."""
    rng = random.Random(seed)
    authors = _authors(40)
    bodies = [f"{rng.choice(_OPENINGS)} {rng.choice(_MIDDLES)}{rng.choice(_CLOSINGS)}" for _ in range(64)]
    rendered = {body: render_markdown(body) for body in bodies}
    preview_replies = settings.DISCUSSION_PREVIEW_REPLIES
    preview_depth = settings.DISCUSSION_PREVIEW_DEPTH
    now = timezone.now()
    start = now - timedelta(minutes=count // 10 + 10)
    with transaction.atomic():
        next_id = (Comment.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        first_id = next_id
        rows: list[Comment] = []
        recent: list[Comment] = []
        roots = 0
        by_id: dict[int, Comment] = {}
        for index in range(count):
            parent = None
            if recent and rng.random() > 0.25:
                parent = rng.choice(recent[-200:])
                if parent.depth >= 12:
                    parent = by_id.get(parent.parent_id) or None  # type: ignore[arg-type]
            body = rng.choice(bodies)
            up, down = rng.randint(0, 30), rng.randint(0, 8)
            comment = Comment(
                id=next_id,
                thread_id=thread.pk,
                author=rng.choice(authors),
                body_source=body,
                body_html=rendered[body],
                status=CommentStatus.VISIBLE,
                created_at=start + timedelta(seconds=index * 6),
                status_changed_at=start + timedelta(seconds=index * 6),
                upvotes=up,
                downvotes=down,
                best_rank=round(wilson_lower_bound(up, down) * 1_000_000),
            )
            if parent is None:
                roots += 1
                comment.depth, comment.ancestors, comment.sibling_rank, comment.in_preview = 0, "", 1, True
            else:
                parent.replies_total += 1
                parent.reply_count += 1
                comment.parent_id = parent.pk
                comment.root_id = parent.root_id or parent.pk
                comment.depth = parent.depth + 1
                comment.ancestors = f"{parent.ancestors}{parent.pk:012d}/"
                comment.sibling_rank = parent.replies_total
                comment.in_preview = (
                    parent.in_preview
                    and comment.sibling_rank <= preview_replies
                    and comment.depth <= preview_depth
                )
                by_id[comment.root_id].subtree_count += 1
            by_id[next_id] = comment
            rows.append(comment)
            recent.append(comment)
            next_id += 1
        # Parents must exist before their replies: batches go in id order.
        for offset in range(0, len(rows), batch_size):
            Comment.objects.bulk_create(rows[offset : offset + batch_size])
            if log:
                log(f"  {min(offset + batch_size, len(rows)):,} of {count:,} comments")
        _reset_sequence()
        Thread.objects.filter(pk=thread.pk).update(
            comment_count=thread.comment_count + count,
            top_level_count=thread.top_level_count + roots,
            last_comment_id=max(thread.last_comment_id, next_id - 1),
        )
        events.page_changed(thread)
    thread.refresh_from_db()
    return next_id - first_id


def _reset_sequence() -> None:
    """PostgreSQL's id sequence must move past the explicit ids (SQLite's follows by itself)."""
    if connection.vendor == "postgresql":
        table = Comment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
