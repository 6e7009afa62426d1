"""One table row: probe the URL once, warm up, load it with wrk while sampling worker memory.

Rows whose single request already takes seconds (the peers' unpaged big threads) get a longer
window so some requests finish, and no warm-up (the probe was one); a request that does not
finish within ``Options.probe_timeout`` is reported as such with no load run, because it
would hold a worker for minutes. After either kind the caller restarts the server, since a
sync worker keeps computing an answer its client has given up on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import load
from bench.procs import Server, rss_sampler
from bench.results import Row
from bench.work import say


@dataclass
class Options:
    duration: float = 10.0  # seconds of load per read row
    warmup: float = 2.0
    post_duration: float = 20.0
    connections: int = 8
    post_connections: int = 4
    probe_timeout: float = 30.0
    slow_cap: float = 30.0  # longest window given to a row whose single request takes seconds
    workers: int = 2


@dataclass
class Outcome:
    row: Row
    restart: bool  # the server has work in flight that the next row must not inherit


def get_row(
    server: Server,
    *,
    system: str,
    scenario: str,
    path: str,
    opts: Options,
    headers: dict[str, str] | None = None,
    expect: Callable[[bytes], str | None] | None = None,
) -> Outcome:
    """Measure GET ``path``; ``expect`` may inspect the probe's body and return a problem."""
    url = server.base_url + path
    with rss_sampler(server) as memory:
        first = load.probe(url, headers=headers, timeout=opts.probe_timeout)
    if first.timed_out:
        say(f"  {system} {scenario}: one request did not finish in {opts.probe_timeout:.0f} s; not loaded")
        row = Row(system, scenario, 0.0, None, None, 0, memory["peak_worker_mib"], 1, 0)
        row.note = f"one request > {opts.probe_timeout:.0f} s (not loaded)"
        return Outcome(row, restart=True)
    notes = [
        f"1 request {first.seconds * 1000:,.0f} ms"
        if first.seconds < 1
        else f"1 request {first.seconds:.1f} s"
    ]
    if first.status != 200:
        notes.append(f"probe status {first.status}")
    if expect is not None and first.status == 200:
        problem = expect(first.body)
        if problem:
            notes.append(problem)
    slow = first.seconds > 1.0
    if slow:
        window = min(max(opts.duration, 4 * first.seconds), opts.slow_cap)
        request_timeout = window + first.seconds
    else:
        window, request_timeout = opts.duration, 10.0
        if opts.warmup:
            load.get(url, seconds=opts.warmup, connections=opts.connections, headers=headers)
    with rss_sampler(server) as memory:
        result = load.get(
            url,
            seconds=window,
            connections=opts.connections,
            headers=headers,
            request_timeout=request_timeout,
        )
    if slow:
        notes.append(f"{window:.0f} s window")
    if result.requests and memory["cpu_seconds"]:
        notes.append(f"server CPU {memory['cpu_seconds'] * 1000 / result.requests:.1f} ms/request")
    row = Row(
        system,
        scenario,
        result.rps,
        result.p50_ms,
        result.p99_ms,
        first.bytes,
        max(memory["peak_worker_mib"], 0.0),
        result.errors,
        0,
        note="; ".join(notes),
    )
    p99 = "–" if row.p99_ms is None else f"{row.p99_ms:.1f}"
    say(
        f"  {system} {scenario}: {row.rps:,.1f} req/s, p99 {p99} ms, {row.bytes:,} bytes, errors {row.errors}"
    )
    return Outcome(row, restart=slow)


@dataclass
class Stored:
    """What a system's database holds after a posting run, counted by the run's unique token."""

    stored: int
    orphaned: int


# Seconds for the posts in flight when the load stops to finish before the count: many times
# every system's p99.
SETTLE_SECONDS = 1.0


def post_row(
    server: Server,
    *,
    system: str,
    path: str,
    opts: Options,
    template: Path,
    content_type: str,
    run_tag: str,
    ok_statuses: tuple[int, ...],
    count_stored: Callable[[str], Stored],
    headers: dict[str, str] | None = None,
    identities: Path | None = None,
) -> Outcome:
    """Post for ``opts.post_duration`` at ``opts.post_connections``, then count what was stored.

    A short warm-up run first (its own tag, not counted) lets each worker load what it loads
    on first use, such as a screening model.
    """
    if opts.warmup:
        load.post(
            server.base_url + path,
            seconds=max(opts.warmup, 3.0),
            template=template,
            content_type=content_type,
            # A tag that does not contain run_tag, so the count below leaves warm-up posts out.
            run_tag=f"warmup{run_tag[::-1]}",
            ok_statuses=ok_statuses,
            connections=opts.post_connections,
            headers=headers,
            identities=identities,
        )
    with rss_sampler(server) as memory:
        result = load.post(
            server.base_url + path,
            seconds=opts.post_duration,
            template=template,
            content_type=content_type,
            run_tag=run_tag,
            ok_statuses=ok_statuses,
            connections=opts.post_connections,
            headers=headers,
            identities=identities,
        )
    # The load tool stops mid-request: the server finishes those posts after it has gone.
    # Counted at once, a post between its two writes (xtd saves a comment twice) read as
    # orphaned, and one not yet written as not stored.
    time.sleep(SETTLE_SECONDS)
    stored = count_stored(run_tag)
    lost = max(0, result.acked - stored.stored)
    unacknowledged = max(0, stored.stored - result.acked)
    errors = result.errors + result.failed - result.raw.get("status", 0)
    rate = result.acked / result.seconds if result.seconds else 0.0
    row = Row(
        system,
        "post",
        rate,
        result.p50_ms,
        result.p99_ms,
        0,
        memory["peak_worker_mib"],
        max(errors, 0),
        lost,
        note=(
            f"{result.acked} acknowledged, {stored.stored} stored, {result.failed} failed, "
            f"{unacknowledged} stored but not acknowledged, orphaned {stored.orphaned}"
            + (
                f"; server CPU {memory['cpu_seconds'] * 1000 / result.acked:.1f} ms/post"
                if result.acked and memory["cpu_seconds"]
                else ""
            )
        ),
        orphaned=stored.orphaned,
    )
    say(f"  {system} post: {rate:,.1f} comments/s, {row.note}")
    return Outcome(row, restart=False)
