"""Run the benchmark: Masthead beside Isso and django-comments-xtd, one machine, one table.

    .venv/bin/python bench/run.py                       # everything (make bench)
    .venv/bin/python bench/run.py --systems isso,xtd-api --scenarios thread-50 --duration 3

See bench/README.md for what each row measures and docs/performance.md for how to read it.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset, load, procs, results
from bench.measure import Options
from bench.work import REPO_DIR, WORK_DIR, code_snapshot, say

SYSTEMS = ("masthead-sqlite", "masthead-postgres", "static", "isso", "isso-paged", "xtd-page", "xtd-api")
SCENARIOS = (*dataset.THREADS, "post", "article-cached", "permalink", "replies")


def _csv(allowed: tuple[str, ...]):
    def parse(value: str) -> list[str]:
        chosen = [part.strip() for part in value.split(",") if part.strip()]
        unknown = sorted(set(chosen) - set(allowed))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown: {', '.join(unknown)} (choose from {', '.join(allowed)})"
            )
        return chosen

    return parse


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=_csv(SYSTEMS), default=list(SYSTEMS), help="comma-separated subset")
    parser.add_argument(
        "--scenarios", type=_csv(SCENARIOS), default=list(SCENARIOS), help="comma-separated subset"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per read row (default 10)"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each read row")
    parser.add_argument(
        "--post-duration", type=float, default=20.0, help="seconds of posting per round (default 20)"
    )
    parser.add_argument(
        "--post-rounds",
        type=int,
        default=2,
        choices=range(1, 5),
        metavar="N",
        help="posting rounds, in alternating order (default 2; 1-4)",
    )
    parser.add_argument(
        "--site",
        action="store_true",
        help="also load the 1,000,000-comment site (10,000 articles; slow first time)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="measure the working tree instead of a snapshot of the committed HEAD",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table only; write nothing to bench/results/"
    )
    return parser.parse_args(argv)


def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False).stdout.strip()
    except OSError:
        return "not found"


def machine(
    opts: Options, started: float, code_label: str, load_before: tuple[float, ...]
) -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    venvs = WORK_DIR / "venvs"

    def pip_version(name: str, package: str) -> str:
        pip = venvs / name / "bin" / "python"
        if not pip.exists():
            return "not installed"
        return _version([str(pip), "-c", f"import importlib.metadata as m; print(m.version({package!r}))"])

    commit = _version(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"])
    from importlib import metadata

    return {
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _version(["psql", "--version"]),
        "masthead": f"{metadata.version('masthead')} ({code_label}; HEAD {commit})",
        "django": metadata.version("django"),
        "wagtail": metadata.version("wagtail"),
        "gunicorn": metadata.version("gunicorn"),
        "isso": pip_version("isso", "isso"),
        "django-comments-xtd": pip_version("xtd", "django-comments-xtd"),
        "load tool": f"{_version(['wrk', '--version']).splitlines()[0] if load.require_wrk() else ''}".strip()
        or "wrk",
        "workers per server": opts.workers,
        "concurrency": f"{opts.connections} (posting {opts.post_connections})",
        "duration": f"{opts.duration:g} s per read row after {opts.warmup:g} s warm-up; posting {opts.post_duration:g} s",
        "memory": "RSS/worker = the largest VmRSS any one worker reached during the row, sampled every 0.25 s",
        "wall time": f"{(time.monotonic() - started) / 60:.1f} min",
        # Other work on the machine slows every row; ratios within a run are what compare.
        "load average (1/5/15 min) before, after": (
            f"{'/'.join(f'{v:.1f}' for v in load_before)}, {'/'.join(f'{v:.1f}' for v in os.getloadavg())}"
        ),
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    load_before = os.getloadavg()
    try:
        load.require_wrk()
    except load.LoadToolMissing as error:
        print(error, file=sys.stderr)
        return 2
    opts = Options(duration=args.duration, warmup=args.warmup, post_duration=args.post_duration)
    systems, scenarios = set(args.systems), set(args.scenarios)
    run_tag = f"bench{int(time.time())}"
    code, code_label = code_snapshot(args.live)
    rows: list[results.Row] = []
    # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the finally below stops every server.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # Also when started in the background, where a shell hands Python SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # The posting rows run after every block, side by side in time (bench/posting.py).
    blocks = scenarios - {"post"}
    try:
        if blocks and systems & {"isso", "isso-paged"}:
            from bench.peers import isso

            rows += isso.run(opts, systems=systems, scenarios=blocks, site=args.site)
        if blocks and systems & {"xtd-page", "xtd-api"}:
            from bench.peers import xtd

            rows += xtd.run(opts, systems=systems, scenarios=blocks, site=args.site)
        if blocks and systems & {"masthead-sqlite", "masthead-postgres", "static"}:
            from bench import masthead_rows

            rows += masthead_rows.run(opts, systems=systems, scenarios=blocks, site=args.site, code=code)
        if "post" in scenarios:
            from bench import posting

            rows += posting.run(opts, systems=systems, run_tag=run_tag, code=code, rounds=args.post_rounds)
    except KeyboardInterrupt:
        say("interrupted: stopping every server started")
        return 130
    finally:
        procs.stop_all()
    info = machine(opts, started, code_label, load_before)
    print()
    print(results.markdown(info, rows))
    if not args.no_write:
        for path in results.write(info, rows):
            say(f"wrote {path.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
