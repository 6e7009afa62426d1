"""The posting rows: every system's, measured side by side in time, in alternating rounds.

A posting row is compared with other systems' posting rows (Masthead against Isso and xtd),
but each system's block of rows runs minutes after the last one's, and the machines this
runs on change speed within minutes: in one session the same Masthead code posted at 415
and 596 comments a second, Isso at 380 and 519, with the workers' CPU per comment moving
with it (docs/performance.md, twelfth session). Measured inside their blocks, Isso posted
in the first minute of a run and Masthead on PostgreSQL in the eleventh, so the ratio the
margins judge carried whatever the machine did in between.

So the posting rows run together, after the blocks: round 1 in one order, round 2 in the
reverse (ABCD, DCBA), each on a server started for it, on an empty posting thread. Every
system's rounds then sit at the same mean position in time, and a drift that is steady
over the phase weighs on each alike. A system's row is the mean of its rounds; its note
gives each round's rate. Errors, lost and orphaned comments are summed over the rounds.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.measure import Options
from bench.results import Row
from bench.work import say

# The order of the first round; the second runs it backwards.
ORDER = ("isso", "xtd-page", "masthead-sqlite", "masthead-postgres")
ROUNDS = 2


def run(opts: Options, *, systems: set[str], run_tag: str, code: Path, rounds: int = ROUNDS) -> list[Row]:
    chosen = [system for system in ORDER if system in systems]
    samples: dict[str, list[Row]] = {system: [] for system in chosen}
    for number in range(rounds):
        order = chosen if number % 2 == 0 else chosen[::-1]
        say(f"posting, round {number + 1} of {rounds}: {', '.join(order)}")
        for system in order:
            # A tag per round that no other round's tag contains: each round counts its own.
            samples[system].append(_post_once(system, opts, f"{run_tag}p{number}q", code))
    return [combine(samples[system]) for system in chosen]


def _post_once(system: str, opts: Options, run_tag: str, code: Path) -> Row:
    if system == "isso":
        from bench.peers import isso

        return isso.post_once(opts, run_tag)
    if system == "xtd-page":
        from bench.peers import xtd

        return xtd.post_once(opts, run_tag)
    from bench import masthead_rows

    return masthead_rows.post_once(system, opts, run_tag, code)


def combine(rounds: list[Row]) -> Row:
    """One row from a system's rounds: mean rate and median latency, the worst p99 and
    memory, every error, lost and orphaned comment."""
    if len(rounds) == 1:
        return rounds[0]
    first = rounds[0]
    p50s = [row.p50_ms for row in rounds if row.p50_ms is not None]
    p99s = [row.p99_ms for row in rounds if row.p99_ms is not None]
    orphaned = [row.orphaned for row in rounds if row.orphaned is not None]
    rates = ", ".join(f"{row.rps:,.1f}" for row in rounds)
    return Row(
        first.system,
        first.scenario,
        statistics.fmean(row.rps for row in rounds),
        statistics.median(p50s) if p50s else None,
        max(p99s) if p99s else None,
        first.bytes,
        max(row.rss_mib for row in rounds),
        sum(row.errors for row in rounds),
        sum(row.lost for row in rounds),
        note=f"mean of {len(rounds)} rounds ({rates} comments/s): " + " | ".join(row.note for row in rounds),
        orphaned=sum(orphaned) if orphaned else None,
    )
