"""Load the canonical dataset into Masthead (run with Masthead's venv and the bench environment).

    python bench/masthead_load.py load INFO.json [--site]   # articles, comments, posting accounts
    python bench/masthead_load.py sessions SESSIONS.tsv     # fresh sessions for the posting run

Articles are Wagtail pages published in the demo newsroom's first section (the demo gives the
funding bar and call to action). Comments are bulk-inserted with every storage column
Masthead's services would have set (see ``masthead.discussion.generation``, which does the
same for its own generated text): ancestor path, depth, root, sibling rank, preview flag,
reply and subtree counts, Wilson rank; then the thread's counts, and each comment's
screening record. The optional 1,000,000-comment
site hangs on threads of external pages (``Thread.url``), so it needs no 10,000 Wagtail pages.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.config.settings.production")

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from wagtail.models import Page  # noqa: E402

from bench import dataset  # noqa: E402
from masthead.accounts.sessions import SessionStore  # noqa: E402
from masthead.discussion.models import Comment, CommentStatus, Thread  # noqa: E402
from masthead.discussion.rendering import render_markdown  # noqa: E402
from masthead.discussion.services.votes import wilson_lower_bound  # noqa: E402
from masthead.moderation.models import ScreeningRecord  # noqa: E402
from masthead.moderation.text import fingerprint, normalise  # noqa: E402
from masthead.publishing.models import ArticlePage, SectionPage  # noqa: E402

# Accounts the posting run rotates through. The post limit is 10 a minute per account (and per
# network), so 1,000 capped a 20 s run at 10,000 comments: at 425/s the run hit it.
POSTERS = 4000
POSTER_EMAIL = "poster{:04d}@bench.masthead.invalid"
BATCH = 5000
UNUSABLE = make_password(None)


def _html(body: str) -> str:
    """What ``render_markdown`` makes of the dataset's plain paragraphs (checked on a sample)."""
    return "".join(f"<p>{html.escape(part, quote=False)}</p>\n" for part in body.split("\n\n"))


def _check_renderer() -> bool:
    sample = list(dataset.thread(200, salt="render-check"))
    return all(render_markdown(comment.body) == _html(comment.body) for comment in sample)


def _users(authors: list[dataset.Author]) -> dict[int, int]:
    """The dataset's commenters as accounts; returns author number -> user id."""
    user_model = get_user_model()
    emails = {author.email: author for author in authors}
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    user_model.objects.bulk_create(
        [
            user_model(email=email, display_name=author.name, password=UNUSABLE)
            for email, author in emails.items()
            if email not in existing
        ]
    )
    ids = dict(user_model.objects.filter(email__in=emails).values_list("email", "id"))
    return {author.number: ids[author.email] for author in authors}


def _posters() -> None:
    user_model = get_user_model()
    emails = [POSTER_EMAIL.format(n) for n in range(POSTERS)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    user_model.objects.bulk_create(
        [
            user_model(email=email, display_name=f"Bench poster {n}", password=UNUSABLE)
            for n, email in enumerate(emails)
            if email not in existing
        ]
    )
    users = user_model.objects.filter(email__in=emails)
    have = set(EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users
            if user.email not in have
        ]
    )


def load_comments(
    thread: Thread, comments: list[dataset.Comment], user_ids: dict[int, int], render: Any
) -> dict[int, Comment]:
    """Bulk-insert ``comments`` into ``thread``; returns dataset number -> Comment."""
    preview_replies = settings.DISCUSSION_PREVIEW_REPLIES
    preview_depth = settings.DISCUSSION_PREVIEW_DEPTH
    offset = Comment.objects.aggregate(top=Max("id"))["top"] or 0
    rank = wilson_lower_bound(0, 0)
    rows: dict[int, Comment] = {}
    for item in comments:
        created = dt.datetime.fromtimestamp(item.created, tz=dt.UTC)
        comment = Comment(
            id=offset + item.number,
            thread_id=thread.pk,
            author_id=user_ids[item.author.number],
            body_source=item.body,
            body_html=render(item.body),
            status=CommentStatus.VISIBLE,
            created_at=created,
            status_changed_at=created,
            best_rank=round(rank * 1_000_000),
        )
        if item.parent == 0:
            comment.depth, comment.ancestors, comment.sibling_rank, comment.in_preview = 0, "", 1, True
        else:
            parent = rows[item.parent]
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
            rows[item.root].subtree_count += 1
        rows[item.number] = comment
    ordered = list(rows.values())
    for start in range(0, len(ordered), BATCH):
        Comment.objects.bulk_create(ordered[start : start + BATCH])
    _screening_records(thread, ordered)
    roots = sum(1 for item in comments if item.parent == 0)
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=len(comments),
        top_level_count=roots,
        roots_total=roots,
        last_comment_id=offset + len(comments) if comments else 0,
    )
    return rows


def _screening_records(thread: Thread, comments: list[Comment]) -> None:
    """The screening record every comment Masthead published has (its verdict, its text's
    fingerprint for the repeat check), dated like the comment.

    Without them the records table held only what the posting rows wrote: the statistics
    taken before each posting row called it empty, and PostgreSQL read the repeat check
    by scanning the whole table, a cost that grew with every comment of the row
    (docs/performance.md, eleventh session).
    """
    content_type = ContentType.objects.get_for_model(Comment)
    records = [
        ScreeningRecord(
            content_type=content_type,
            object_id=comment.pk,
            author_id=comment.author_id,
            page_id=thread.page_id,
            verdict="publish",
            fingerprint=fingerprint(normalise(comment.body_source)),
        )
        for comment in comments
    ]
    for start in range(0, len(records), BATCH):
        ScreeningRecord.objects.bulk_create(records[start : start + BATCH])
    # ``created_at`` is set on insert (auto_now_add): date each record like its comment.
    table = connection.ops.quote_name(ScreeningRecord._meta.db_table)
    comment_table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = c.created_at FROM {comment_table} c "
            f"WHERE {table}.content_type_id = %s AND {table}.object_id = c.id AND c.thread_id = %s",
            [content_type.pk, thread.pk],
        )


def _reset_sequence() -> None:
    if connection.vendor == "postgresql":
        table = Comment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )


def _analyze() -> None:
    """Give PostgreSQL the statistics autovacuum would gather a little later after a bulk load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _vacuum_posting_tables() -> None:
    """Clear what earlier posting rows left dead, as autovacuum would between runs.

    Each row posts thousands of comments (each updating its author's standing and the thread)
    and the next run deletes them. A PostgreSQL without autovacuum (this machine's CI
    configuration turns it off) kept every dead row: 135,585 dead comments behind 117,892
    live ones, and 121,859 dead standings behind 4,001, after a session's runs. Every
    posting row now starts from the same state, whatever the server's autovacuum setting.
    """
    if connection.vendor != "postgresql":
        return
    tables = ["discussion_comment", "discussion_thread", "moderation_screeningrecord", "moderation_standing"]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _article(section: SectionPage, template: ArticlePage | None, slug: str) -> ArticlePage:
    existing = ArticlePage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    article = ArticlePage(
        title=dataset.article_title(slug),
        slug=slug,
        standfirst="Residents asked the same questions at every meeting; here is what the record shows.",
        dateline="HARBOURTON",
        body=template.body if template is not None else [],
    )
    if template is not None:
        for byline in template.bylines.all():
            article.bylines.add(type(byline)(author=byline.author, sort_order=byline.sort_order))
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def _deep_comment(rows: dict[int, Comment], comments: list[dataset.Comment]) -> int:
    """A depth-5 reply under a top-level comment 40 pages down: what a permalink must reach."""
    page_size = settings.DISCUSSION_PAGE_SIZE
    root_position = {item.number: index for index, item in enumerate(c for c in comments if c.parent == 0)}
    for item in comments:
        if item.depth == dataset.MAX_DEPTH and root_position[item.root] >= 40 * page_size:
            return rows[item.number].pk
    return rows[max(comments, key=lambda c: c.depth).number].pk


def load(info_path: Path, site: bool) -> None:
    render = _html if _check_renderer() else render_markdown
    section = SectionPage.objects.live().order_by("path").first()
    if section is None:
        raise SystemExit("no section page: run `masthead load_demo` first")
    template = ArticlePage.objects.live().child_of(section).order_by("path").first()
    user_ids = _users(dataset.authors())
    _posters()
    info: dict[str, Any] = json.loads(info_path.read_text()) if info_path.exists() else {"threads": {}}
    for slug, size in [*dataset.THREADS.items(), (dataset.POST_SLUG, 0)]:
        if slug in info["threads"]:
            continue
        with transaction.atomic():
            article = _article(section, template, slug)
            thread = Thread.objects.filter(page_id=article.pk).first() or Thread.objects.create(
                page_id=article.pk, title=article.title[:255]
            )
            comments = list(dataset.thread(size))
            rows = load_comments(thread, comments, user_ids, render)
            _reset_sequence()
        entry: dict[str, Any] = {"thread": thread.pk, "path": Page.objects.get(pk=article.pk).specific.url}
        if slug == "thread-100k":
            entry["deep_comment"] = _deep_comment(rows, comments)
            busiest = max(rows.values(), key=lambda comment: comment.replies_total)
            entry["busiest_comment"] = busiest.pk
        info["threads"][slug] = entry
        info_path.write_text(json.dumps(info, indent=2))
        print(f"masthead: {slug} loaded ({size:,} comments)", flush=True)
    _analyze()
    if site and not info.get("site"):
        for slug, comments in dataset.site_threads():
            with transaction.atomic():
                thread = Thread.objects.create(url=f"https://site.example/articles/{slug}/", title=slug)
                load_comments(thread, list(comments), user_ids, render)
        _reset_sequence()
        _analyze()
        info["site"] = True
        info_path.write_text(json.dumps(info, indent=2))
        print("masthead: site loaded (1,000,000 comments)", flush=True)


def regular_standing() -> None:
    """Make every posting account a regular commenter, as at the start of every run.

    Past the new-commenter hold and short of trusted (``MODERATION_TRUSTED_AFTER``, which
    no account reaches in one run), so screening runs every check and publishes: the path
    that counts, purges and announces, as the peers publish every comment they take.
    """
    from masthead.moderation.models import Standing

    approved = settings.MODERATION_NEW_COMMENTER_HOLD + 5
    assert approved + 10 < settings.MODERATION_TRUSTED_AFTER, "posters would become trusted mid-run"
    users = get_user_model().objects.filter(email__in=[POSTER_EMAIL.format(n) for n in range(POSTERS)])
    Standing.objects.filter(user__in=users).delete()
    Standing.objects.bulk_create(
        [Standing(user=user, approved_count=approved, recent="a" * approved) for user in users]
    )


def empty_post_target() -> None:
    """Remove what earlier runs posted, so every posting row starts on the same empty thread
    (a run's comments would otherwise pile up there, and each run post into a bigger one)."""
    thread = Thread.objects.get(page__slug=dataset.POST_SLUG)
    posted = Comment.objects.filter(thread=thread)
    with transaction.atomic():
        records = ScreeningRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=posted.values("pk")
        )
        records._raw_delete(records.db)
        posted._raw_delete(posted.db)
        Thread.objects.filter(pk=thread.pk).update(comment_count=0, top_level_count=0, roots_total=0)


def sessions(path: Path) -> None:
    """A signed-in session per posting account: "sessionid<TAB>csrf secret" lines."""
    import secrets

    _posters()  # accounts added since the data was built (POSTERS grew)
    empty_post_target()
    regular_standing()
    _vacuum_posting_tables()
    user_model = get_user_model()
    users = user_model.objects.filter(email__in=[POSTER_EMAIL.format(n) for n in range(POSTERS)]).order_by(
        "pk"
    )
    lines = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        lines.append(f"{store.session_key}\t{secrets.token_hex(16)}")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    command, target, *rest = sys.argv[1:]
    if command == "load":
        load(Path(target), site="--site" in rest)
    else:
        sessions(Path(target))
