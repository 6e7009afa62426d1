"""Load the canonical dataset into the django-comments-xtd site (run with the xtd virtualenv).

Articles go through the ORM; comments are bulk-inserted into django_comments and
django_comments_xtd_xtdcomment with the tree columns xtd would have computed one comment at a
time: ``thread_id`` (the top-level comment), ``parent_id`` (itself when top level), ``level``,
``order`` (depth-first position in the thread) and ``nested_count`` (descendants).

Usage: python load_data.py SLUG=SIZE ... [--site]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xtd_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from xtd_site.articles.models import Article  # noqa: E402

from bench import dataset  # noqa: E402

BATCH = 5000


def _tree_columns(comments: list[dataset.Comment]) -> dict[int, tuple[int, int]]:
    """number -> (order in its thread, descendants), walking each top-level comment depth first."""
    children: dict[int, list[int]] = {}
    for comment in comments:
        children.setdefault(comment.parent, []).append(comment.number)
    result: dict[int, tuple[int, int]] = {}
    descendants = {comment.number: 0 for comment in comments}
    for comment in reversed(comments):  # replies come after their parents
        if comment.parent:
            descendants[comment.parent] += descendants[comment.number] + 1
    for root in children.get(0, []):
        order = 0
        stack = [root]
        while stack:
            number = stack.pop()
            order += 1
            result[number] = (order, descendants[number])
            stack.extend(reversed(children.get(number, [])))
    return result


def load_thread(
    article: Article, comments: list[dataset.Comment], content_type_id: int, site_id: int
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM django_comments")
        offset = cursor.fetchone()[0]
        tree = _tree_columns(comments)

        def ident(number: int) -> int:
            return offset + number

        base_rows, xtd_rows = [], []
        for comment in comments:
            created = dt.datetime.fromtimestamp(comment.created, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
            base_rows.append(
                (
                    ident(comment.number),
                    comment.author.name[:50],
                    comment.author.email,
                    "",
                    comment.body,
                    created,
                    "127.0.0.1",
                    True,
                    False,
                    content_type_id,
                    site_id,
                    None,
                    str(article.pk),
                )
            )
            order, nested = tree[comment.number]
            parent = ident(comment.parent) if comment.parent else ident(comment.number)
            xtd_rows.append(
                (ident(comment.number), ident(comment.root), parent, comment.depth, order, False, nested)
            )
        for start in range(0, len(base_rows), BATCH):
            cursor.executemany(
                "INSERT INTO django_comments (id, user_name, user_email, user_url, comment, submit_date, "
                "ip_address, is_public, is_removed, content_type_id, site_id, user_id, object_pk) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                base_rows[start : start + BATCH],
            )
            cursor.executemany(
                'INSERT INTO django_comments_xtd_xtdcomment (comment_ptr_id, thread_id, parent_id, level, "order", '
                "followup, nested_count) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                xtd_rows[start : start + BATCH],
            )


def article_for(slug: str) -> Article:
    return Article.objects.create(
        slug=slug, title=dataset.article_title(slug), body="A short article.\n\nIts discussion follows."
    )


def main(argv: list[str]) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "xtd bench"})
    content_type_id = ContentType.objects.get_for_model(Article).pk
    for spec in [arg for arg in argv if "=" in arg]:
        slug, size = spec.split("=")
        with transaction.atomic():
            article = article_for(slug)
            load_thread(article, list(dataset.thread(int(size))), content_type_id, 1)
        print(f"xtd: {slug} loaded ({size} comments)", flush=True)
    if "--site" in argv:
        for slug, comments in dataset.site_threads():
            with transaction.atomic():
                load_thread(article_for(slug), list(comments), content_type_id, 1)
        print("xtd: site loaded", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
