"""The results table: printed, and written to ``bench/results/`` as Markdown and JSON.

``latest.json`` holds the newest run as ``{"machine": {...}, "rows": [...]}``, each row with
exactly the fields the issue names; ``history.json`` is the list of every run, newest first;
``results.md`` the same runs as Markdown tables, newest first, each with its margin checks and
the notes the JSON has no field for (single-request times, orphaned writes).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROW_FIELDS = ("system", "scenario", "rps", "p50_ms", "p99_ms", "bytes", "rss_mib", "errors", "lost")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    system: str
    scenario: str
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    bytes: int
    rss_mib: float
    errors: int
    lost: int
    # Markdown only: what the JSON schema has no field for.
    note: str = field(default="", compare=False)
    orphaned: int | None = field(default=None, compare=False)  # posting rows: rows stored half-written

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("note")
        data.pop("orphaned")
        data["rps"] = round(self.rps, 2)
        data["p50_ms"] = None if self.p50_ms is None else round(self.p50_ms, 2)
        data["p99_ms"] = None if self.p99_ms is None else round(self.p99_ms, 2)
        data["rss_mib"] = round(self.rss_mib, 1)
        return data


def run_json(machine: dict[str, Any], rows: list[Row]) -> dict[str, Any]:
    return {"machine": machine, "rows": [row.as_json() for row in rows]}


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| system | scenario | req/s | p50 ms | p99 ms | bytes | RSS/worker MiB | errors | lost | notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.system} | {row.scenario} | {_number(row.rps, 2)} | {_number(row.p50_ms)} | "
            f"{_number(row.p99_ms)} | {row.bytes:,} | {row.rss_mib:.0f} | {row.errors} | {row.lost} | "
            f"{row.note} |"
        )
    return "\n".join(lines)


def _find(rows: list[Row], system: str, scenario: str) -> Row | None:
    return next((row for row in rows if row.system == system and row.scenario == scenario), None)


def _ratio(ours: Row | None, theirs: Row | None) -> float | None:
    if ours is None or theirs is None:
        return None
    if theirs.rps == 0:
        return float("inf") if ours.rps > 0 else None
    return ours.rps / theirs.rps


def margins(rows: list[Row]) -> list[tuple[str, str, bool | None]]:
    """Each target of issues 3 and 4 as (target, what was measured, met?); None when not measured."""
    checks: list[tuple[str, str, bool | None]] = []

    def ratio_check(label: str, ours: Row | None, theirs: Row | None, at_least: float) -> None:
        ratio = _ratio(ours, theirs)
        if ratio is None:
            checks.append((label, "not measured", None))
        else:
            shown = "∞ (peer finished no request)" if ratio == float("inf") else f"{ratio:,.1f}x"
            checks.append((label, shown, ratio >= at_least))

    for system in ("masthead-sqlite", "masthead-postgres"):
        if not any(row.system == system for row in rows):
            continue
        for size in ("10k", "100k"):
            page = _find(rows, system, f"thread-{size}")
            if page is None or page.p99_ms is None:
                checks.append((f"{system} thread-{size} page p99 < 50 ms", "not measured", None))
            else:
                checks.append(
                    (f"{system} thread-{size} page p99 < 50 ms", f"{page.p99_ms:.1f} ms", page.p99_ms < 50)
                )
            for peer in ("isso", "isso-paged", "xtd-page", "xtd-api"):
                ratio_check(
                    f"{system} thread-{size} page ≥ 100x {peer}",
                    page,
                    _find(rows, peer, f"thread-{size}"),
                    100,
                )
        ratio_check(
            f"{system} thread-100k page no slower than thread-10k (≥ 0.9x)",
            _find(rows, system, "thread-100k"),
            _find(rows, system, "thread-10k"),
            0.9,
        )
        ratio_check(
            f"{system} thread-50 page ≥ 3x xtd-page",
            _find(rows, system, "thread-50"),
            _find(rows, "xtd-page", "thread-50"),
            3,
        )
        api = _find(rows, system, "thread-50-api")
        ratio_check(f"{system} thread-50 API ≥ 2x xtd-api", api, _find(rows, "xtd-api", "thread-50"), 2)
        ratio_check(f"{system} thread-50 API ≥ 8x isso", api, _find(rows, "isso", "thread-50"), 8)
        post = _find(rows, system, "post")
        ratio_check(f"{system} post ≥ 4x xtd", post, _find(rows, "xtd-page", "post"), 4)
        isso_post = _find(rows, "isso", "post")
        if system == "masthead-sqlite":
            ratio_check(f"{system} post ≥ isso", post, isso_post, 1)
        else:
            ratio = _ratio(post, isso_post)
            checks.append(
                (
                    f"{system} post > isso",
                    "not measured" if ratio is None else f"{ratio:.2f}x",
                    None if ratio is None else ratio > 1,
                )
            )
            if post is not None:
                checks.append((f"{system} post ≥ 200/s (issue 3)", f"{post.rps:.0f}/s", post.rps >= 200))
        if post is not None:
            clean = post.errors == 0 and post.lost == 0 and post.orphaned == 0
            checks.append(
                (
                    f"{system} post: zero errors, lost, orphaned",
                    f"errors {post.errors}, lost {post.lost}, orphaned {post.orphaned}",
                    clean,
                )
            )
        ratio_check(
            f"{system} article-cached ≥ 0.5x static",
            _find(rows, system, "article-cached"),
            _find(rows, "static", "article-cached"),
            0.5,
        )
        ours_mem = max((row.rss_mib for row in rows if row.system == system), default=0.0)
        xtd_mem = max((row.rss_mib for row in rows if row.system.startswith("xtd")), default=0.0)
        if ours_mem and xtd_mem:
            checks.append(
                (
                    f"{system} memory per worker ≤ xtd's",
                    f"{ours_mem:.0f} MiB vs {xtd_mem:.0f} MiB",
                    ours_mem <= xtd_mem,
                )
            )
    return checks


def markdown(machine: dict[str, Any], rows: list[Row]) -> str:
    parts = [f"## Run of {machine.get('finished', '?')}", ""]
    parts += [f"- {key}: {value}" for key, value in machine.items() if key != "finished"]
    parts += ["", table(rows), ""]
    checks = margins(rows)
    if checks:
        parts += ["Margins (issues 3 and 4):", "", "| target | measured | met |", "|---|---|---|"]
        verdict = {True: "yes", False: "**no**", None: "–"}
        parts += [f"| {label} | {measured} | {verdict[met]} |" for label, measured, met in checks]
        parts.append("")
    return "\n".join(parts)


def write(machine: dict[str, Any], rows: list[Row], directory: Path = RESULTS_DIR) -> list[Path]:
    """Write this run to ``directory``, newest first; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    run = run_json(machine, rows)
    latest = directory / "latest.json"
    latest.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    history_path = directory / "history.json"
    history = json.loads(history_path.read_text()) if history_path.exists() else []
    history.insert(0, run)
    history_path.write_text(json.dumps(history, indent=2, ensure_ascii=False) + "\n")
    md_path = directory / "results.md"
    header = "# Benchmark results, newest run first\n\nHow to read them: docs/performance.md.\n\n"
    previous = md_path.read_text().removeprefix(header) if md_path.exists() else ""
    md_path.write_text(header + markdown(machine, rows) + "\n" + previous)
    return [latest, history_path, md_path]
