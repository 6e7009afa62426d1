"""Banned and suspect phrases matched in one pass with an Aho-Corasick automaton.

Each process builds the automaton once from the ``Phrase`` table and rebuilds it when the
lists' version (a cache key every change bumps) moves, so ten thousand phrases cost one
scan of the comment, not one regular expression per phrase.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import ahocorasick
from django.core.cache import cache

from masthead.moderation.models import Phrase

LISTS_VERSION_KEY = "moderation:lists:version"
_lock = threading.Lock()
_built: tuple[str, Matcher] | None = None


@dataclass(frozen=True)
class Match:
    kind: str
    phrase: str


class Matcher:
    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        """``phrases``: (normalised phrase, kind) pairs."""
        self._automaton = ahocorasick.Automaton()
        for normalised, kind in phrases:
            if normalised:
                # Spaces either side make every phrase match whole words only.
                self._automaton.add_word(f" {normalised} ", Match(kind, normalised))
        self.size = len(self._automaton)
        if self.size:
            self._automaton.make_automaton()

    def find(self, normalised_text: str) -> list[Match]:
        if not self.size:
            return []
        found: dict[str, Match] = {}
        for _end, match in self._automaton.iter(f" {normalised_text} "):
            found.setdefault(match.phrase, match)
        return list(found.values())


def lists_version(*, cached: dict[str, Any] | None = None) -> str:
    """The phrase lists' version; ``cached``: values already read from the cache (see
    ``selectors.screening_reads``), which may hold it."""
    value = cache.get(LISTS_VERSION_KEY) if cached is None else cached.get(LISTS_VERSION_KEY)
    if value is None:
        value = str(time.time_ns())
        cache.add(LISTS_VERSION_KEY, value, timeout=None)
        value = cache.get(LISTS_VERSION_KEY, value)
        if cached is not None:
            cached[LISTS_VERSION_KEY] = value
    return str(value)


def lists_changed() -> None:
    """Call after any change to the phrase lists (every process rebuilds on its next screen)."""
    from masthead.moderation.selectors import forget_screening_reads

    cache.set(LISTS_VERSION_KEY, str(time.time_ns()), timeout=None)
    forget_screening_reads()


def current_matcher(*, cached: dict[str, Any] | None = None) -> Matcher:
    global _built
    version = lists_version(cached=cached)
    built = _built
    if built is not None and built[0] == version:
        return built[1]
    with _lock:
        if _built is not None and _built[0] == version:
            return _built[1]
        matcher = Matcher(list(Phrase.objects.values_list("normalised", "kind")))
        _built = (version, matcher)
        return matcher
