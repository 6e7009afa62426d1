"""Isso: its JSON API under gunicorn, SQLite as shipped; rows ``isso`` and ``isso-paged``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from bench import dataset
from bench.measure import Options, Stored, get_row, post_row
from bench.procs import Server, free_port
from bench.results import Row
from bench.work import BENCH_DIR, LOG_DIR, data_dir, is_built, mark_built, say, venv

HERE = Path(__file__).resolve().parent
SYSTEMS = ("isso", "isso-paged")
# Isso's paging, set like Masthead's first page: 20 top-level comments, 3 replies under each.
PAGED = "&limit=20&nested_limit=3"

CONFIG = """[general]
dbpath = {db}
host = http://127.0.0.1:{port}/
notify = stdout
max-age = 15m
[moderation]
enabled = false
[guard]
# Isso's default allows 2 comments a minute per address: the posting run comes from one address.
enabled = false
[server]
listen = http://127.0.0.1:{port}/
[markup]
renderer = mistune
"""


def _paths(slug: str) -> tuple[Path, Path]:
    root = data_dir("isso")
    return root / f"comments-{slug}.db", root / f"isso-{slug}.cfg"


def prepare() -> Path:
    """Install Isso and load the data (once per data version); returns the venv's bin/.

    Each thread gets its own database: Isso's tables have no index on the thread, so every
    query scans every comment on the site, and one shared database would make even the
    50-comment thread take seconds (docs/performance.md). The posting thread shares the
    50-comment thread's database.
    """
    bin_dir = venv("isso", HERE / "isso-requirements.txt")
    if is_built("isso", "threads"):
        return bin_dir
    say("isso: loading the dataset")
    for slug, size in dataset.THREADS.items():
        db, cfg = _paths(slug)
        db.unlink(missing_ok=True)
        cfg.write_text(CONFIG.format(db=db, port=0))
        specs = [f"{slug}={size}"] + ([f"{dataset.POST_SLUG}=0"] if slug == "thread-50" else [])
        subprocess.run(
            [str(bin_dir / "python"), str(HERE / "scripts" / "isso_load.py"), str(cfg), str(db), *specs],
            check=True,
        )
    mark_built("isso", "threads")
    return bin_dir


def _server(bin_dir: Path, slug: str, opts: Options) -> Server:
    db, cfg = _paths(slug)
    port = free_port()
    cfg.write_text(CONFIG.format(db=db, port=port))
    env = {**os.environ, "ISSO_SETTINGS": str(cfg)}
    argv = [
        str(bin_dir / "gunicorn"),
        "isso.run:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(opts.workers),
        "--timeout",
        "300",
    ]
    return Server("isso", argv, env=env, port=port, log=LOG_DIR / "isso.log", cwd=BENCH_DIR).start(
        ready_path=f"/?uri=/articles/{slug}/&limit=1"
    )


def _count_stored(db: Path) -> Callable[[str], Stored]:
    def count(tag: str) -> Stored:
        with sqlite3.connect(db) as conn:
            stored = conn.execute(
                "SELECT COUNT(*) FROM comments WHERE text LIKE ?", (f"%{tag}%",)
            ).fetchone()[0]
            orphaned = conn.execute(
                "SELECT COUNT(*) FROM comments WHERE text LIKE ? AND tid NOT IN (SELECT id FROM threads)",
                (f"%{tag}%",),
            ).fetchone()[0]
        return Stored(stored, orphaned)

    return count


def _post_template(tag_dir: Path) -> Path:
    path = tag_dir / "isso-post.json"
    body = (
        "A reader's view on {{N}}: the timetable change matters less than the missing "
        "consultation, and the minutes show the question was asked twice."
    )
    path.write_text(json.dumps({"text": body, "author": "Bench Reader", "email": None, "parent": None}))
    return path


def _has_comments(body: bytes) -> str | None:
    data = json.loads(body)
    return None if data.get("replies") else "no comments in the answer"


def run(opts: Options, *, systems: set[str], scenarios: set[str], site: bool) -> list[Row]:
    if site:
        say(
            "isso: the 1,000,000-comment site is not loaded into Isso (no index: every request would scan it)"
        )
    bin_dir = prepare()
    rows: list[Row] = []
    for slug in dataset.THREADS:
        if slug not in scenarios:
            continue
        server = _server(bin_dir, slug, opts)
        try:
            path = f"/?uri=/articles/{slug}/"
            if "isso-paged" in systems:
                rows.append(
                    get_row(
                        server,
                        system="isso-paged",
                        scenario=slug,
                        path=path + PAGED,
                        opts=opts,
                        expect=_has_comments,
                    ).row
                )
            if "isso" in systems:
                # Last on this server: an unpaged big thread holds the workers after its clients give up.
                rows.append(
                    get_row(
                        server, system="isso", scenario=slug, path=path, opts=opts, expect=_has_comments
                    ).row
                )
        finally:
            server.stop()
    return rows


def post_once(opts: Options, run_tag: str) -> Row:
    """One posting row on a server of its own, on an empty posting thread (bench/posting.py
    runs the rounds)."""
    bin_dir = prepare()
    db, _ = _paths("thread-50")
    _empty_post_target(db)
    server = _server(bin_dir, "thread-50", opts)
    try:
        return _post(server, opts, run_tag)
    finally:
        server.stop()
        _empty_post_target(db)


def _empty_post_target(db: Path) -> None:
    """Remove what posting rows wrote, as Masthead's loader does before each of its own.

    The posting thread shares the 50-comment thread's database, and Isso's comments have no
    index on their thread: every comment left there is scanned by each later request on
    that database, the 50-comment rows' included. Runs before this kept every post they made
    (docs/performance.md, twelfth session)."""
    uri = f"/articles/{dataset.POST_SLUG}/"
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("DELETE FROM comments WHERE tid IN (SELECT id FROM threads WHERE uri = ?)", (uri,))
            # Isso's trigger drops a thread with its last comment, and a comment to an unknown
            # thread makes Isso fetch the article from its host for a title: seconds a post.
            conn.execute(
                "INSERT INTO threads (uri, title) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM threads WHERE uri = ?)",
                (uri, dataset.article_title(dataset.POST_SLUG), uri),
            )
        conn.execute("VACUUM")
    finally:
        conn.close()


def _post(server: Server, opts: Options, run_tag: str) -> Row:
    db, _ = _paths("thread-50")
    return post_row(
        server,
        system="isso",
        path=f"/new?uri=/articles/{dataset.POST_SLUG}/",
        opts=opts,
        template=_post_template(data_dir("isso")),
        content_type="application/json",
        run_tag=run_tag,
        ok_statuses=(201, 202),
        count_stored=_count_stored(db),
    ).row
