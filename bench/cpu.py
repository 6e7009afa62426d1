"""CPU time and queries of one request, in-process, against the benchmark's built data.

``make bench`` measures the served rates; this measures what each request costs, which the
machine's load does not distort (``time.thread_time``: this thread only, so
background threads such as periodic jobs do not count), and can profile one of them:

    .venv/bin/python bench/cpu.py                         # every target, SQLite data
    .venv/bin/python bench/cpu.py --system masthead-postgres --repeat 50
    .venv/bin/python bench/cpu.py --only thread-10k --profile   # pyinstrument's call tree
    .venv/bin/python bench/cpu.py --only post,reply --sql       # a post and a reply, their SQL

Needs a previous ``make bench`` run (the data in ``bench/.work/``). Runs the working tree's
code with the same production settings as the served rows, the page cache off.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]


def _setup(system: str, *, fragments: bool) -> dict[str, Any]:
    from bench import masthead_rows
    from bench.work import data_dir

    env = masthead_rows._env(system, page_cache=False, fragments=fragments)
    env.pop("PYTHONPATH", None)
    os.environ.update(env)
    import django

    django.setup()
    return json.loads((data_dir(system) / "info.json").read_text())


class _Queries:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        self.statements.append(sql)
        return execute(sql, params, many, context)


def _targets(info: dict[str, Any]) -> dict[str, tuple[str, str]]:
    threads = info["threads"]
    big = threads["thread-100k"]
    targets: dict[str, tuple[str, str]] = {}
    for slug in ("thread-50", "thread-10k", "thread-100k"):
        targets[slug] = ("GET", threads[slug]["path"])
        targets[f"{slug}-api"] = ("GET", f"/api/discussion/threads/{threads[slug]['thread']}/comments")
    targets["permalink-100k"] = ("GET", f"{big['path']}?comment={big['deep_comment']}")
    targets["replies-100k"] = ("GET", f"/discussion/comment/{big['busiest_comment']}/replies")
    targets["post"] = ("POST", f"/api/discussion/threads/{threads['post-target']['thread']}/comments")
    # Replies to one top-level comment that the run posts first (the benchmark's posting row
    # writes top-level comments only).
    targets["reply"] = targets["post"]
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--system", default="masthead-sqlite", choices=["masthead-sqlite", "masthead-postgres"]
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated target names")
    parser.add_argument(
        "--no-fragments", action="store_true", help="MASTHEAD_FRAGMENT_CACHE=false: every part rendered"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a pyinstrument call tree of the measured requests"
    )
    parser.add_argument(
        "--cprofile",
        action="store_true",
        help="print cProfile's functions by own CPU time (this thread's, so waits on the database do not count; deterministic and slower, so for shares only)",
    )
    parser.add_argument(
        "--cprofile-out", default="", help="with --cprofile: also save the stats to this file (pstats format)"
    )
    parser.add_argument(
        "--sql", action="store_true", help="print the statements of each target's last request"
    )
    args = parser.parse_args()
    info = _setup(args.system, fragments=not args.no_fragments)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    from bench.masthead_load import POSTER_EMAIL, POSTERS, regular_standing

    targets = _targets(info)
    wanted = [name for name in args.only.split(",") if name] or list(targets)
    if {"post", "reply"} & set(wanted):
        regular_standing()  # as the served posting row does: their comments publish
        # Fresh rate-limit windows, as the served rows start with (repeated runs would hit them).
        from django.core.cache import cache

        from masthead.core.models import RateCount

        RateCount.objects.all().delete()
        cache.clear()
    posters = list(
        get_user_model().objects.filter(email__in=[POSTER_EMAIL.format(n) for n in range(POSTERS)])
    )
    print(f"{'target':<18} {'cpu ms p50':>10} {'min':>7} {'max':>7} {'queries':>8} {'bytes':>9}")
    for name in wanted:
        method, path = targets[name]
        samples: list[float] = []
        queries = _Queries()
        size = 0
        profiler = Profiler(interval=0.0005) if args.profile else None
        exact = cProfile.Profile(time.thread_time) if args.cprofile else None
        # One client: each new one loads the middleware again (WhiteNoise scans every file).
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=False)
        parent: dict[str, int] = {}
        if name == "reply":
            client.force_login(posters[-1])
            first = client.post(
                path,
                data=json.dumps({"body": f"A view to reply to, {time.time_ns()}."}),
                content_type="application/json",
            )
            if first.status_code != 201:
                raise SystemExit(f"reply: the parent comment was refused: {first.content[:300]!r}")
            parent = {"parent_id": json.loads(first.content)["id"]}
        for index in range(args.repeat + 3):
            client.cookies.clear()
            body: dict[str, Any] = {}
            if method == "POST":
                client.force_login(posters[index % len(posters)])
                body = {
                    "data": json.dumps(
                        {"body": f"A reader's view on {time.time_ns()}: the minutes show it.", **parent}
                    ),
                    "content_type": "application/json",
                    "REMOTE_ADDR": f"10.9.{index % 250}.7",
                }
            queries.count = 0
            queries.statements = []
            measured = index >= 3
            if profiler is not None and measured:
                profiler.start()
            if exact is not None and measured:
                exact.enable()
            start = time.thread_time()
            with connection.execute_wrapper(queries):
                response = client.post(path, **body) if method == "POST" else client.get(path)
            spent = time.thread_time() - start
            if exact is not None and measured:
                exact.disable()
            if profiler is not None and measured:
                profiler.stop()
            if response.status_code >= 400:
                raise SystemExit(
                    f"{name}: {path} answered {response.status_code}: {response.content[:300]!r}"
                )
            if measured:
                samples.append(spent * 1000)
                size = len(response.content)
        print(
            f"{name:<18} {statistics.median(samples):>10.1f} {min(samples):>7.1f} {max(samples):>7.1f}"
            f" {queries.count:>8} {size:>9,}"
        )
        if args.sql:
            for number, statement in enumerate(queries.statements, 1):
                print(f"  {number:>2}. {statement[:300]}")
        if exact is not None and args.cprofile_out:
            exact.dump_stats(args.cprofile_out)
        if exact is not None:
            pstats.Stats(exact).sort_stats("tottime").print_stats(40)
            pstats.Stats(exact).sort_stats("cumulative").print_stats(60)
            pstats.Stats(exact).sort_stats("cumulative").print_stats("masthead/", 60)
        if profiler is not None:
            print(
                profiler.output_text(
                    color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL")), time="percent_of_total"
                )
            )


if __name__ == "__main__":
    main()
