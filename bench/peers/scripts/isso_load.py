"""Load the canonical dataset into Isso's SQLite database (run with the Isso virtualenv).

Isso creates its own schema (``isso.db.SQLite3``); comments are then bulk-inserted the way
``Comments.add`` stores them: Markdown source in ``text``, mode 1 (accepted), a voters Bloom
filter, and ``parent`` pointing at the top-level comment, because Isso keeps two levels and
flattens deeper replies onto the top-level one.

Usage: python isso_load.py CONFIG DBPATH SLUG=SIZE ... [--site]
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from isso import config
from isso.db import SQLite3
from isso.utils import Bloomfilter

from bench import dataset

REMOTE_ADDR = "127.0.0.0"  # Isso stores addresses anonymised to their /24


def uri(slug: str) -> str:
    return f"/articles/{slug}/"


def load_thread(db: sqlite3.Connection, slug: str, comments: list[dataset.Comment], voters: bytes) -> None:
    cursor = db.execute(
        "INSERT INTO threads (uri, title) VALUES (?, ?)", (uri(slug), dataset.article_title(slug))
    )
    tid = cursor.lastrowid
    offset = db.execute("SELECT COALESCE(MAX(id), 0) FROM comments").fetchone()[0]
    db.executemany(
        "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author, email, "
        "website, likes, dislikes, voters, notification) VALUES (?, ?, ?, ?, NULL, 1, ?, ?, ?, ?, NULL, 0, 0, ?, 0)",
        (
            (
                tid,
                offset + comment.number,
                offset + comment.root if comment.parent else None,
                float(comment.created),
                REMOTE_ADDR,
                comment.body,
                comment.author.name,
                comment.author.email,
                voters,
            )
            for comment in comments
        ),
    )


def main(argv: list[str]) -> None:
    conf_path, db_path, *specs = argv
    SQLite3(db_path, config.load(config.default_file(), conf_path))  # Isso's own schema
    voters = memoryview(bytearray(Bloomfilter(iterable=[REMOTE_ADDR]).array)).tobytes()
    with sqlite3.connect(db_path) as db:
        for spec in [spec for spec in specs if "=" in spec]:
            slug, size = spec.split("=")
            load_thread(db, slug, list(dataset.thread(int(size))), voters)
            print(f"isso: {slug} loaded ({size} comments)", flush=True)
        if "--site" in specs:
            for slug, comments in dataset.site_threads():
                load_thread(db, slug, list(comments), voters)
            print("isso: site loaded", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
