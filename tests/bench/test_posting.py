"""The posting phase: every system's posting rows in alternating rounds, combined into one row each."""

from pathlib import Path

from bench import posting
from bench.measure import Options
from bench.results import Row


def _post(system, rps, **extra):
    values = {"p50_ms": 8.0, "p99_ms": 15.0, "bytes": 0, "rss_mib": 80.0, "errors": 0, "lost": 0}
    values.update(extra)
    return Row(system, "post", rps, note=f"{rps} note", orphaned=0, **values)


def test_rounds_alternate_their_order_and_each_counts_its_own_tag(monkeypatch):
    calls = []

    def post_once(system, opts, run_tag, code):
        calls.append((system, run_tag))
        return _post(system, 100.0)

    monkeypatch.setattr(posting, "_post_once", post_once)
    systems = {"masthead-postgres", "isso", "xtd-page", "isso-paged"}

    rows = posting.run(Options(), systems=systems, run_tag="bench1", code=Path("."), rounds=3)

    order = ["isso", "xtd-page", "masthead-postgres"]
    assert [system for system, _ in calls] == order + order[::-1] + order
    tags = [tag for _, tag in calls]
    assert tags[:3] == ["bench1p0q"] * 3 and tags[3:6] == ["bench1p1q"] * 3
    # No round's tag lies inside another's (the stored comments are counted by it).
    assert not any(a != b and a in b for a in set(tags) for b in set(tags))
    assert [row.system for row in rows] == order


def test_a_systems_rounds_make_one_row_with_every_failure_counted():
    rows = [
        _post("isso", 400.0, p50_ms=9.0, p99_ms=20.0, rss_mib=60.0, errors=1),
        _post("isso", 500.0, p50_ms=7.0, p99_ms=30.0, rss_mib=62.0, lost=2),
    ]
    rows[1].orphaned = 3

    row = posting.combine(rows)

    assert (row.system, row.scenario, row.rps) == ("isso", "post", 450.0)
    assert (row.p50_ms, row.p99_ms, row.rss_mib) == (8.0, 30.0, 62.0)
    assert (row.errors, row.lost, row.orphaned) == (1, 2, 3)
    assert row.note.startswith("mean of 2 rounds (400.0, 500.0 comments/s): 400.0 note | 500.0 note")


def test_one_round_is_its_own_row():
    row = _post("masthead-sqlite", 600.0)
    assert posting.combine([row]) is row
