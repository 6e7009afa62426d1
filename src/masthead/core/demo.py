"""The demo site is built by loaders each app registers in its ``AppConfig.ready()``.

Loaders run in ``order`` (publishing first, since the others attach to its articles) and
must be idempotent: ``masthead demo`` may be run again on the same data directory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Loader = Callable[[Callable[[str], None]], None]


@dataclass(frozen=True)
class _Entry:
    order: int
    name: str
    loader: Loader


_loaders: list[_Entry] = []


def register(name: str, loader: Loader, *, order: int) -> None:
    """Register ``loader(log)``; ``log`` prints a line of progress."""
    if any(entry.name == name for entry in _loaders):
        return
    _loaders.append(_Entry(order, name, loader))
    _loaders.sort(key=lambda entry: entry.order)


def load_all(log: Callable[[str], None]) -> None:
    for entry in _loaders:
        log(f"demo: {entry.name}")
        entry.loader(log)
