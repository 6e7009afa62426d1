"""django-comments-xtd: a minimal site (``xtd_site/``) under gunicorn, SQLite as Django ships it.

Rows ``xtd-page`` (the article rendered with ``render_xtdcomment_tree``) and ``xtd-api``
(the package's REST list endpoint); posting goes through the package's comment form.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench import dataset
from bench.measure import Options, Stored, get_row, post_row
from bench.procs import Server, free_port
from bench.results import Row
from bench.work import LOG_DIR, data_dir, is_built, mark_built, say, venv

HERE = Path(__file__).resolve().parent
SYSTEMS = ("xtd-page", "xtd-api")


def _env(slug: str) -> dict[str, str]:
    root = data_dir("xtd")
    secret_file = root / "secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(40))
    return {
        **os.environ,
        "XTD_SECRET_KEY": secret_file.read_text().strip(),
        "XTD_DB_PATH": str(root / f"xtd-{slug}.sqlite3"),
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "xtd_site.settings",
    }


def prepare() -> Path:
    """Install the package and load the data (once per data version); returns the venv's bin/.

    Each thread gets its own database, the peer's best case: on one shared database SQLite
    picks xtd's ``site_id`` index (no statistics), so every list query scans every comment on
    the site and the 50-comment thread takes a second (docs/performance.md).
    """
    bin_dir = venv("xtd", HERE / "xtd-requirements.txt")
    if is_built("xtd", "threads"):
        return bin_dir
    say("xtd: migrating and loading the dataset")
    for slug, size in dataset.THREADS.items():
        env = _env(slug)
        Path(env["XTD_DB_PATH"]).unlink(missing_ok=True)
        specs = [f"{slug}={size}"] + ([f"{dataset.POST_SLUG}=0"] if slug == "thread-50" else [])
        subprocess.run(
            [str(bin_dir / "python"), str(HERE / "xtd_site" / "load_data.py"), *specs], env=env, check=True
        )
    mark_built("xtd", "threads")
    return bin_dir


def _server(bin_dir: Path, slug: str, opts: Options) -> Server:
    port = free_port()
    argv = [
        str(bin_dir / "gunicorn"),
        "xtd_site.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(opts.workers),
        "--timeout",
        "300",
    ]
    return Server("xtd", argv, env=_env(slug), port=port, log=LOG_DIR / "xtd.log", cwd=HERE).start(
        ready_path="/not-a-page/"  # a 404 is an answer: the site is up
    )


def _article_ids(slug: str) -> dict[str, int]:
    with sqlite3.connect(_env(slug)["XTD_DB_PATH"]) as conn:
        return dict(conn.execute("SELECT slug, id FROM articles_article").fetchall())


def _count_stored(tag: str) -> Stored:
    with sqlite3.connect(_env("thread-50")["XTD_DB_PATH"]) as conn:
        stored = conn.execute(
            "SELECT COUNT(*) FROM django_comments WHERE comment LIKE ?", (f"%{tag}%",)
        ).fetchone()[0]
        # xtd saves a comment twice (insert, then its thread columns); a failure between the two
        # leaves a row outside every thread, which the tree never shows.
        orphaned = conn.execute(
            "SELECT COUNT(*) FROM django_comments c LEFT JOIN django_comments_xtd_xtdcomment x "
            "ON x.comment_ptr_id = c.id WHERE c.comment LIKE ? "
            "AND (x.comment_ptr_id IS NULL OR x.thread_id = 0 OR x.parent_id = 0)",
            (f"%{tag}%",),
        ).fetchone()[0]
    return Stored(stored, orphaned)


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


def _post_form(server: Server) -> tuple[str, str]:
    """The comment form's hidden fields (security hash, CSRF) as a body template, and the cookie."""
    with urllib.request.urlopen(server.base_url + f"/articles/{dataset.POST_SLUG}/") as response:
        page = response.read().decode()
        cookie = response.headers.get("Set-Cookie", "").split(";")[0]
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}
    fields.update(
        {
            "name": "Bench Reader",
            "email": "bench@example.org",
            "url": "",
            "honeypot": "",
            "followup": "",
            "comment": (
                "A reader's view on QQTOKENQQ: the timetable change matters less than the missing "
                "consultation, and the minutes show the question was asked twice."
            ),
        }
    )
    fields.pop("followup")
    body = urllib.parse.urlencode(fields).replace("QQTOKENQQ", "{{N}}")
    return body, cookie


def _has_comments(marker: str) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        return None if marker.encode() in body else f"answer lacks {marker!r}"

    return check


def run(opts: Options, *, systems: set[str], scenarios: set[str], site: bool) -> list[Row]:
    if site:
        say("xtd: the 1,000,000-comment site is not loaded into xtd (each thread has its own database)")
    bin_dir = prepare()
    rows: list[Row] = []
    for slug in dataset.THREADS:
        if slug not in scenarios:
            continue
        server = _server(bin_dir, slug, opts)
        try:
            plan = []
            if "xtd-api" in systems:
                plan.append(
                    ("xtd-api", f"/comments/api/articles-article/{_article_ids(slug)[slug]}/", '"comment"')
                )
            if "xtd-page" in systems:
                plan.append(("xtd-page", f"/articles/{slug}/", 'class="comment'))
            for system, path, marker in plan:
                outcome = get_row(
                    server, system=system, scenario=slug, path=path, opts=opts, expect=_has_comments(marker)
                )
                rows.append(outcome.row)
                if outcome.restart:
                    server.stop()
                    server = _server(bin_dir, slug, opts)
        finally:
            server.stop()
    return rows


def post_once(opts: Options, run_tag: str) -> Row:
    """One posting row on a server of its own, on an empty posting thread (bench/posting.py
    runs the rounds)."""
    bin_dir = prepare()
    _empty_post_target()
    server = _server(bin_dir, "thread-50", opts)
    try:
        return _post(server, opts, run_tag)
    finally:
        server.stop()
        _empty_post_target()


def _empty_post_target() -> None:
    """Remove what posting rows wrote (both of xtd's rows per comment, and any half-written
    one), as Masthead's loader does before each of its own: every run posts into the same
    empty thread, and the 50-comment rows read a database holding only the loaded data."""
    article = str(_article_ids("thread-50")[dataset.POST_SLUG])
    with sqlite3.connect(_env("thread-50")["XTD_DB_PATH"]) as conn:
        conn.execute(
            "DELETE FROM django_comments_xtd_xtdcomment WHERE comment_ptr_id IN "
            "(SELECT id FROM django_comments WHERE object_pk = ?)",
            (article,),
        )
        conn.execute("DELETE FROM django_comments WHERE object_pk = ?", (article,))


def _post(server: Server, opts: Options, run_tag: str) -> Row:
    body, cookie = _post_form(server)
    template = data_dir("xtd") / "xtd-post.txt"
    template.write_text(body)
    return post_row(
        server,
        system="xtd-page",
        path="/comments/post/",
        opts=opts,
        template=template,
        content_type="application/x-www-form-urlencoded",
        run_tag=run_tag,
        ok_statuses=(302,),
        count_stored=_count_stored,
        headers={"Cookie": cookie},
    ).row
