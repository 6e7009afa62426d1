"""A progress line on stderr for long imports (a terminal, or when asked for with --progress)."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressLine:
    """Call with ``(bytes_read, total_bytes)``; redraws at most a few times a second."""

    def __init__(self, stream: TextIO, label: str, *, interval: float = 0.25) -> None:
        self.stream = stream
        self.label = label
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last < self.interval:
            return
        self._last = now
        share = 100 * done // total if total else 100
        width = 30
        bar = "#" * (width * share // 100)
        self.stream.write(
            f"\r{self.label} [{bar:<{width}}] {share:3d}% ({done / 1e6:.1f} of {total / 1e6:.1f} MB)"
        )
        if finished:
            self.stream.write("\n")
        self.stream.flush()

    def relabel(self, label: str) -> ProgressLine:
        self.label = label
        self._last = 0.0
        return self
