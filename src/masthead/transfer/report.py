"""The account an import gives of itself: what it created, what it skipped and why, what it could not place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    imported: Counter[str] = field(default_factory=Counter)  # kind → created this run
    existing: Counter[str] = field(default_factory=Counter)  # kind → already imported by an earlier run
    skipped: Counter[str] = field(default_factory=Counter)  # reason → count
    matched: Counter[str] = field(default_factory=Counter)  # kind → found among existing content
    unmatched: list[str] = field(default_factory=list)  # records kept aside, each described
    notes: list[str] = field(default_factory=list)
    # Files the import could not find locally (never fetched): what to copy and re-run with.
    missing_files: list[dict[str, str]] = field(default_factory=list)

    def created(self, kind: str, count: int = 1) -> None:
        self.imported[kind] += count

    def already(self, kind: str) -> None:
        self.existing[kind] += 1

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] += count

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def nothing_new(self) -> bool:
        return not any(self.imported.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "imported": dict(sorted(self.imported.items())),
            "already_imported": dict(sorted(self.existing.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "matched": dict(sorted(self.matched.items())),
            "unmatched": list(self.unmatched),
            "notes": list(self.notes),
            "missing_files": list(self.missing_files),
        }

    def render(self) -> str:
        """The report as the command prints it."""
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} from {self.source}" + (" (dry run: nothing was written)" if self.dry_run else "")]
        lines += _section("Imported" if not self.dry_run else "Would import", self.imported)
        lines += _section("Matched to existing content", self.matched)
        lines += _section("Already imported (left as they are)", self.existing)
        lines += _section("Skipped", self.skipped)
        if self.unmatched:
            lines.append(f"Unmatched: {len(self.unmatched)}")
            lines += [f"  - {item}" for item in self.unmatched]
        lines += [f"Note: {note}" for note in self.notes]
        if self.nothing_new:
            lines.append(
                "Nothing new to import."
                if not self.existing
                else "Nothing new: everything was already imported."
            )
        return "\n".join(lines)


def _section(title: str, counts: Counter[str]) -> list[str]:
    if not any(counts.values()):
        return []
    return [f"{title}:", *(f"  {name}: {count}" for name, count in sorted(counts.items()) if count)]
