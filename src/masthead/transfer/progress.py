"""A progress line on stderr for long imports (a terminal, or when asked for with --progress)."""

from __future__ import annotations

import time
from typing import TextIO

PASSES = ("checking", "importing")


class ProgressLine:
    """Call with ``(bytes_read, total_bytes)``; redraws at most a few times a second.

    Imports read the file twice (check, then write); the line says which pass it is on.
    """

    def __init__(self, stream: TextIO, label: str, *, interval: float = 0.25) -> None:
        self.stream = stream
        self.label = label
        self.interval = interval
        self._last = 0.0
        self._done = 0
        self._pass = 0

    def __call__(self, done: int, total: int) -> None:
        if done < self._done:
            self._pass += 1
            self._last = 0.0
        self._done = done
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last < self.interval:
            return
        self._last = now
        share = 100 * done // total if total else 100
        width = 30
        bar = "#" * (width * share // 100)
        stage = PASSES[self._pass] if self._pass < len(PASSES) else "reading"
        self.stream.write(
            f"\r{self.label}, {stage} [{bar:<{width}}] {share:3d}% ({done / 1e6:.1f} of {total / 1e6:.1f} MB)"
        )
        if finished:
            self.stream.write("\n")
        self.stream.flush()
