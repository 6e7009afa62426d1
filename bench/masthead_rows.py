"""Masthead under its production server (``masthead serve``), on SQLite and on PostgreSQL + Redis.

Each database gets two server runs: one with the page cache off (``MASTHEAD_PAGE_CACHE=false``:
the thread rows, the API, the permalink and reply pages, and posting measure the uncached
work), then one with it on (``article-cached``, and the ``static`` ceiling: the same article's
bytes saved into STATIC_ROOT and served by WhiteNoise through the same server).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import dataset, load
from bench.measure import Options, Stored, get_row, post_row
from bench.procs import Server, free_port
from bench.results import Row
from bench.work import BENCH_DIR, LOG_DIR, REPO_DIR, data_dir, is_built, mark_built, say

BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/masthead_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
KINDS = {"masthead-sqlite": "sqlite", "masthead-postgres": "postgres"}
# Set by run(): the Masthead source measured (a snapshot of HEAD unless --live).
CODE: dict[str, Path] = {}
STATIC_NAME = "bench/article-thread-10k.html"


def _env(system: str, *, page_cache: bool, fragments: bool = True) -> dict[str, str]:
    root = data_dir(system)
    secret = root / "secret-key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.config.settings.production",
        "SECRET_KEY": secret.read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "false",
        "DEBUG": "false",
        "MASTHEAD_DATA_DIR": str(root),
        "MASTHEAD_PAGE_CACHE": "true" if page_cache else "false",
        "MASTHEAD_FRAGMENT_CACHE": "true" if fragments else "false",
        # Posting comes from one machine: one proxy hop lets each simulated reader have an address.
        "TRUSTED_PROXY_COUNT": "1",
        "DISCUSSION_DEMO_THREAD_SIZE": "0",
        "LOG_LEVEL": "WARNING",
    }
    if "src" in CODE:
        env["PYTHONPATH"] = os.pathsep.join([str(CODE["src"]), str(REPO_DIR)])
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    if system == "masthead-postgres":
        env["DATABASE_URL"] = PG_URL
        env["REDIS_URL"] = REDIS_URL
    return env


def _masthead(system: str, *args: str) -> None:
    subprocess.run(
        [str(BIN / "masthead"), *args], env=_env(system, page_cache=False), check=True, cwd=REPO_DIR
    )


def _recreate_postgres() -> None:
    import psycopg

    admin_url, _, name = PG_URL.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(system: str, *, site: bool) -> dict[str, Any]:
    """Migrate, collect static files and (once per data version) load the data; returns its map."""
    info_path = data_dir(system) / "info.json"
    if not is_built(system, "demo"):
        say(f"{system}: building the database (first run only)")
        if system == "masthead-postgres":
            _recreate_postgres()
        else:
            (data_dir(system) / "masthead.sqlite3").unlink(missing_ok=True)
        info_path.unlink(missing_ok=True)
        _masthead(system, "migrate", "--noinput", "-v", "0")
        _masthead(system, "load_demo")
        mark_built(system, "demo")
    # Whenever the measured code's migrations or static files differ from the last run's:
    # collectstatic compresses every file, minutes here, so it runs only when they changed.
    code_mark = f"code-{_schema_and_static_digest(CODE.get('src') or REPO_DIR / 'src')}"
    if not is_built(system, code_mark):
        _masthead(system, "migrate", "--noinput", "-v", "0")
        _masthead(system, "collectstatic", "--noinput", "-v", "0")
        mark_built(system, code_mark)
    if not is_built(system, "threads") or (site and not is_built(system, "site")):
        args = ["load", str(info_path)] + (["--site"] if site else [])
        subprocess.run(
            [str(BIN / "python"), str(BENCH_DIR / "masthead_load.py"), *args],
            env=_env(system, page_cache=False),
            check=True,
        )
        mark_built(system, "threads")
        if site:
            mark_built(system, "site")
    return json.loads(info_path.read_text())


def _schema_and_static_digest(src: Path) -> str:
    """A digest of every migration and static file of the Masthead source at ``src``."""
    import hashlib

    digest = hashlib.blake2b(digest_size=8)
    files = sorted(
        path
        for pattern in ("masthead/**/migrations/*.py", "masthead/**/static/**/*")
        for path in src.glob(pattern)
        if path.is_file()
    )
    for path in files:
        digest.update(str(path.relative_to(src)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _clear_cache(system: str) -> None:
    """Start each run cold and with fresh rate-limit windows."""
    if system == "masthead-postgres":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    else:
        with sqlite3.connect(data_dir(system) / "masthead.sqlite3") as conn:
            conn.execute("DELETE FROM masthead_cache")
            # Rate-limit windows live in their own table on SQLite (Redis's are flushed above).
            conn.execute("DELETE FROM core_ratecount")


def _server(system: str, opts: Options, *, page_cache: bool, fragments: bool = True) -> Server:
    port = free_port()
    # The events server (live-update streams) gets a port of its own; no row requests it.
    argv = [
        str(BIN / "masthead"),
        "serve",
        "--workers",
        str(opts.workers),
        "--port",
        str(port),
        "--events-port",
        str(free_port()),
    ]
    env = _env(system, page_cache=page_cache, fragments=fragments)
    return Server(system, argv, env=env, port=port, log=LOG_DIR / f"{system}.log", cwd=REPO_DIR).start(
        ready_path="/not-a-page/"
    )


@contextlib.contextmanager
def _db(system: str) -> Iterator[Any]:
    if system == "masthead-postgres":
        import psycopg

        with psycopg.connect(PG_URL) as conn:
            yield conn
    else:
        conn = sqlite3.connect(data_dir(system) / "masthead.sqlite3")
        try:
            yield conn
        finally:
            conn.close()


def _count_stored(system: str, thread_id: int) -> Callable[[str], Stored]:
    mark = "%s" if system == "masthead-postgres" else "?"

    def count(tag: str) -> Stored:
        with _db(system) as conn:
            cursor = conn.cursor()
            cursor.execute(
                f"SELECT COUNT(*) FROM discussion_comment WHERE body_source LIKE {mark}", (f"%{tag}%",)
            )
            stored = cursor.fetchone()[0]
            # A posted comment is orphaned when it is stored outside the thread's tree or its
            # bookkeeping: a top-level post with a parent or path, or counts that missed it.
            cursor.execute(
                f"SELECT COUNT(*) FROM discussion_comment WHERE body_source LIKE {mark} "
                f"AND (parent_id IS NOT NULL OR depth <> 0 OR ancestors <> '' OR thread_id <> {mark})",
                (f"%{tag}%", thread_id),
            )
            misplaced = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT t.comment_count - (SELECT COUNT(*) FROM discussion_comment c "
                f"WHERE c.thread_id = t.id AND c.status = 'visible') FROM discussion_thread t WHERE t.id = {mark}",
                (thread_id,),
            )
            drift = abs(cursor.fetchone()[0])
        return Stored(stored, misplaced + drift)

    return count


def _identities(system: str) -> Path:
    """Fresh sessions of the posting accounts, as header lines for bench/lua/post.lua."""
    sessions = data_dir(system) / "sessions.tsv"
    subprocess.run(
        [str(BIN / "python"), str(BENCH_DIR / "masthead_load.py"), "sessions", str(sessions)],
        env=_env(system, page_cache=False),
        check=True,
    )
    lines = []
    for index, line in enumerate(sessions.read_text().splitlines()):
        session, csrf = line.split("\t")
        # Header text only (no traffic goes there): a distinct /24 per reader for the rate limits.
        address = f"10.{index // 250}.{index % 250}.7"
        lines.append(
            f"Cookie: sessionid={session}; csrftoken={csrf}\tX-CSRFToken: {csrf}\tX-Forwarded-For: {address}"
        )
    identities = data_dir(system) / "identities.txt"
    identities.write_text("\n".join(lines) + "\n")
    return identities


def _post_template(system: str) -> Path:
    path = data_dir(system) / "post.json"
    body = (
        "A reader's view on {{N}}: the timetable change matters less than the missing "
        "consultation, and the minutes show the question was asked twice."
    )
    path.write_text(json.dumps({"body": body}))
    return path


def _expect(marker: str) -> Callable[[bytes], str | None]:
    def check(body: bytes) -> str | None:
        return None if marker.encode() in body else f"answer lacks {marker!r}"

    return check


def _uncached_rows(system: str, info: dict[str, Any], opts: Options, scenarios: set[str]) -> list[Row]:
    threads = info["threads"]
    rows: list[Row] = []
    server = _server(system, opts, page_cache=False)
    try:

        def row(scenario: str, path: str, marker: str) -> None:
            rows.append(
                get_row(
                    server, system=system, scenario=scenario, path=path, opts=opts, expect=_expect(marker)
                ).row
            )

        for slug in dataset.THREADS:
            if slug not in scenarios:
                continue
            row(slug, threads[slug]["path"], 'id="comment-')
            row(f"{slug}-api", f"/api/discussion/threads/{threads[slug]['thread']}/comments", '"html"')
        big = threads["thread-100k"]
        if "permalink" in scenarios:
            deep = big["deep_comment"]
            row("permalink-100k", f"{big['path']}?comment={deep}", f'id="comment-{deep}"')
        if "replies" in scenarios:
            row("replies-100k", f"/discussion/comment/{big['busiest_comment']}/replies", 'id="comment-')
        if "article-cached" in scenarios:
            _save_static(system, server, info)
    finally:
        server.stop()
    return rows


def post_once(system: str, opts: Options, run_tag: str, code: Path) -> Row:
    """One posting row on a server of its own, with fresh rate-limit windows and sessions
    (bench/posting.py runs the rounds)."""
    CODE["src"] = code
    post = prepare(system, site=False)["threads"][dataset.POST_SLUG]
    _clear_cache(system)
    identities = _identities(system)
    server = _server(system, opts, page_cache=False)
    try:
        return post_row(
            server,
            system=system,
            path=f"/api/discussion/threads/{post['thread']}/comments",
            opts=opts,
            template=_post_template(system),
            content_type="application/json",
            run_tag=run_tag,
            ok_statuses=(201,),
            count_stored=_count_stored(system, post["thread"]),
            identities=identities,
        ).row
    finally:
        server.stop()


def _save_static(system: str, server: Server, info: dict[str, Any]) -> None:
    """Put the article a reader gets into STATIC_ROOT: the static ceiling serves exactly these bytes.

    WhiteNoise indexes STATIC_ROOT when the server starts, so this runs before the cached run.
    """
    page = load.probe(server.base_url + info["threads"]["thread-10k"]["path"])
    target = data_dir(system) / "static" / STATIC_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page.body)


def _cached_rows(system: str, info: dict[str, Any], opts: Options, with_static: bool) -> list[Row]:
    rows: list[Row] = []
    server = _server(system, opts, page_cache=True)
    try:
        path = info["threads"]["thread-10k"]["path"]
        rows.append(
            get_row(
                server,
                system=system,
                scenario="article-cached",
                path=path,
                opts=opts,
                expect=_expect("<html"),
            ).row
        )
        if with_static:
            rows.append(
                get_row(
                    server,
                    system="static",
                    scenario="article-cached",
                    path=f"/static/{STATIC_NAME}",
                    opts=opts,
                    expect=_expect("<html"),
                ).row
            )
    finally:
        server.stop()
    return rows


def _rendered_row(system: str, info: dict[str, Any], opts: Options) -> list[Row]:
    """The 10k article with every part rendered for the request (``MASTHEAD_FRAGMENT_CACHE=false``):
    what a reader costs when no cached frame or discussion block can answer."""
    thread = info["threads"]["thread-10k"]
    with _server(system, opts, page_cache=False, fragments=False) as server:
        measured = get_row(
            server,
            system=system,
            scenario="thread-10k-rendered",
            path=thread["path"],
            opts=opts,
            expect=_expect('id="comment-'),
        )
    return [measured.row]


def run(opts: Options, *, systems: set[str], scenarios: set[str], site: bool, code: Path) -> list[Row]:
    CODE["src"] = code
    chosen = [system for system in KINDS if system in systems]
    if "static" in systems and not chosen:
        chosen = ["masthead-sqlite"]
    rows: list[Row] = []
    static_done = False
    for system in chosen:
        info = prepare(system, site=site)
        _clear_cache(system)
        measured = system in systems
        if measured:
            rows += _uncached_rows(system, info, opts, scenarios)
            if "thread-10k" in scenarios:
                rows += _rendered_row(system, info, opts)
        elif "article-cached" in scenarios:
            with _server(system, opts, page_cache=False) as server:
                _save_static(system, server, info)
        if "article-cached" in scenarios:
            with_static = "static" in systems and not static_done
            cached = _cached_rows(system, info, opts, with_static)
            rows += [row for row in cached if measured or row.system == "static"]
            static_done = static_done or with_static
    return rows
