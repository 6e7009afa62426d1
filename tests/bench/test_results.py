"""The results writer: the JSON schema the issue fixes, newest run first, and the margin checks."""

import json

from bench import results
from bench.results import Row


def _row(system, scenario, rps, **extra):
    values = {"p50_ms": 5.0, "p99_ms": 20.0, "bytes": 1000, "rss_mib": 80.0, "errors": 0, "lost": 0}
    values.update(extra)
    return Row(system, scenario, rps, **values)


def test_json_holds_machine_and_rows_with_exactly_the_issue_fields(tmp_path):
    rows = [_row("isso", "thread-50", 31.234, note="1 request 40 ms"), _row("static", "article-cached", 900)]

    results.write({"cores": 2}, rows, directory=tmp_path)

    latest = json.loads((tmp_path / "latest.json").read_text())
    assert set(latest) == {"machine", "rows"}
    assert latest["machine"] == {"cores": 2}
    assert [tuple(row) for row in latest["rows"]] == [results.ROW_FIELDS, results.ROW_FIELDS]
    assert latest["rows"][0]["rps"] == 31.23
    assert latest["rows"][0]["system"] == "isso"


def test_runs_are_kept_newest_first(tmp_path):
    results.write({"finished": "first"}, [_row("isso", "thread-50", 1)], directory=tmp_path)
    results.write({"finished": "second"}, [_row("isso", "thread-50", 2)], directory=tmp_path)

    history = json.loads((tmp_path / "history.json").read_text())
    assert [run["machine"]["finished"] for run in history] == ["second", "first"]
    markdown = (tmp_path / "results.md").read_text()
    assert markdown.index("Run of second") < markdown.index("Run of first")
    assert markdown.count("# Benchmark results") == 1


def test_margins_compare_ratios_from_the_same_run():
    rows = [
        _row("masthead-sqlite", "thread-50", 300),
        _row("xtd-page", "thread-50", 60),
        _row("masthead-sqlite", "thread-50-api", 200),
        _row("xtd-api", "thread-50", 120),
        _row("masthead-sqlite", "thread-10k", 50, p99_ms=80.0),
        _row("isso", "thread-10k", 0.0, p50_ms=None, p99_ms=None),
    ]

    checks = {label: (measured, met) for label, measured, met in results.margins(rows)}

    assert checks["masthead-sqlite thread-50 page ≥ 3x xtd-page"] == ("5.0x", True)
    assert checks["masthead-sqlite thread-50 API ≥ 2x xtd-api"] == ("1.7x", False)
    assert checks["masthead-sqlite thread-10k page p99 < 50 ms"] == ("80.0 ms", False)
    assert checks["masthead-sqlite thread-10k page ≥ 100x isso"][1] is True
    assert checks["masthead-sqlite thread-10k page ≥ 100x xtd-page"] == ("not measured", None)


def test_posting_counts_orphans_against_the_zero_target():
    rows = [_row("masthead-postgres", "post", 250, orphaned=2)]

    checks = {label: met for label, _, met in results.margins(rows)}

    assert checks["masthead-postgres post: zero errors, lost, orphaned"] is False
    assert checks["masthead-postgres post ≥ 200/s (issue 3)"] is True
