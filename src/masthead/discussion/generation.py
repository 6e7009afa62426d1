"""Generate a large, plausible thread fast (demo and benchmark), with bulk inserts.

Rows are built in memory with every storage column the services would have set (ancestor
path, sibling rank, preview flag, counts, Wilson rank) and written in batches with
explicit ids, so 100,000 comments take seconds. Run it on a quiet thread: it does not
take the row locks live posting uses.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
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


class _Row:
    """A comment being generated: only what the tree bookkeeping needs, as cheap as possible."""

    __slots__ = (
        "ancestors",
        "author_id",
        "body",
        "created",
        "depth",
        "down",
        "id",
        "in_preview",
        "parent_id",
        "rank",
        "replies",
        "root_id",
        "subtree",
        "up",
    )

    def __init__(self, row_id: int, parent: _Row | None, rank: int, preview: tuple[int, int]) -> None:
        self.id = row_id
        self.author_id = 0
        self.body = ""
        self.created: datetime | None = None
        self.up = self.down = 0
        self.replies = 0
        self.subtree = 0
        self.rank = rank
        if parent is None:
            self.parent_id = self.root_id = None
            self.depth, self.ancestors, self.in_preview = 0, "", True
        else:
            self.parent_id = parent.id
            self.root_id = parent.root_id or parent.id
            self.depth = parent.depth + 1
            self.ancestors = f"{parent.ancestors}{parent.id:012d}/"
            self.in_preview = parent.in_preview and rank <= preview[0] and self.depth <= preview[1]


_COLUMNS = (
    "id, thread_id, parent_id, root_id, depth, ancestors, sibling_rank, in_preview, author_id, guest_name, "
    "guest_email, body_source, body_html, status, status_reason, moderation_reasons, featured, reply_count, "
    "replies_total, subtree_count, upvotes, downvotes, best_rank, notify_replies, notified_at, client_token, "
    "created_at, edited_at, status_changed_at"
)


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
    author_ids = [user.pk for user in _authors(40)]
    bodies = [f"{rng.choice(_OPENINGS)} {rng.choice(_MIDDLES)}{rng.choice(_CLOSINGS)}" for _ in range(64)]
    rendered = {body: render_markdown(body) for body in bodies}
    preview = (settings.DISCUSSION_PREVIEW_REPLIES, settings.DISCUSSION_PREVIEW_DEPTH)
    start = timezone.now() - timedelta(minutes=count // 10 + 10)
    with transaction.atomic():
        first_id = (Comment.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        rows: list[_Row] = []
        roots = 0
        for index in range(count):
            parent = (
                rows[rng.randrange(max(0, index - 200), index)] if index and rng.random() > 0.25 else None
            )
            if parent is not None and parent.depth >= 12:
                parent = rows[parent.parent_id - first_id] if parent.parent_id else None
            if parent is None:
                roots += 1
                row = _Row(first_id + index, None, 1, preview)
            else:
                parent.replies += 1
                row = _Row(first_id + index, parent, parent.replies, preview)
                rows[(parent.root_id or parent.id) - first_id].subtree += 1
            row.author_id = rng.choice(author_ids)
            row.body = rng.choice(bodies)
            row.created = start + timedelta(seconds=index * 6)
            row.up, row.down = rng.randint(0, 30), rng.randint(0, 8)
            rows.append(row)
        _insert(thread, rows, rendered, batch_size, log)
        _reset_sequence()
        Thread.objects.filter(pk=thread.pk).update(
            comment_count=thread.comment_count + count,
            top_level_count=thread.top_level_count + roots,
            last_comment_id=max(thread.last_comment_id, first_id + count - 1),
        )
        events.page_changed(thread)
    thread.refresh_from_db()
    return count


def _insert(
    thread: Thread,
    rows: list[_Row],
    rendered: dict[str, str],
    batch_size: int,
    log: Callable[[str], None] | None,
) -> None:
    """Plain ``executemany`` in id order (parents before replies): the ORM's per-field work
    would cost more than the database itself."""
    adapt = connection.ops.adapt_datetimefield_value
    no_reasons = connection.ops.adapt_json_value([], None)
    visible = CommentStatus.VISIBLE.value
    ranks: dict[tuple[int, int], int] = {}
    sql = (
        f"INSERT INTO {Comment._meta.db_table} ({_COLUMNS}) "  # noqa: S608 - constant table and columns
        f"VALUES ({', '.join(['%s'] * 29)})"
    )
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), batch_size):
            values = []
            for row in rows[offset : offset + batch_size]:
                votes = (row.up, row.down)
                if votes not in ranks:
                    ranks[votes] = round(wilson_lower_bound(*votes) * 1_000_000)
                created = adapt(row.created)
                values.append(
                    (
                        row.id, thread.pk, row.parent_id, row.root_id, row.depth, row.ancestors, row.rank,
                        row.in_preview, row.author_id, "", "", row.body, rendered[row.body], visible, "",
                        no_reasons, False, row.replies, row.replies, row.subtree, row.up, row.down,
                        ranks[votes], False, None, None, created, None, created,
                    )
                )  # fmt: skip
            cursor.executemany(sql, values)
            if log:
                log(f"  {min(offset + batch_size, len(rows)):,} of {len(rows):,} comments")


def _reset_sequence() -> None:
    """PostgreSQL's id sequence must move past the explicit ids (SQLite's follows by itself)."""
    if connection.vendor == "postgresql":
        table = Comment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
