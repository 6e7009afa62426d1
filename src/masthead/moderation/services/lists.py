from __future__ import annotations

from typing import Any

from django.db import transaction

from masthead.moderation.models import Phrase
from masthead.moderation.services.audit import audit_record
from masthead.moderation.text import normalise
from masthead.moderation.wordlists import lists_changed


def _changed() -> None:
    # Now for this process, and again after commit so no other process caches the old lists
    # under the new version.
    lists_changed()
    transaction.on_commit(lists_changed)


def phrase_add(*, text: str, kind: str, actor: Any) -> Phrase:
    """List ``text`` as banned or suspect (moving it if it was listed as the other kind)."""
    if kind not in Phrase.Kind.values:
        raise ValueError(f"Unknown list {kind!r}")
    normalised = normalise(text)
    if not normalised:
        raise ValueError("A listed phrase needs at least one letter or digit.")
    if len(normalised) > 200:
        raise ValueError("A listed phrase can be at most 200 characters.")
    phrase, _ = Phrase.objects.update_or_create(
        normalised=normalised, defaults={"text": text.strip()[:200], "kind": kind, "created_by": actor}
    )
    audit_record(action="phrase_listed", actor=actor, target=phrase, reason=f"{kind}: {normalised}")
    _changed()
    return phrase


def phrases_add_many(*, lines: list[str], kind: str, actor: Any) -> int:
    """List many phrases at once (one per line); blank lines are skipped. Returns how many."""
    if kind not in Phrase.Kind.values:
        raise ValueError(f"Unknown list {kind!r}")
    wanted = {normalise(line): line.strip()[:200] for line in lines if normalise(line)}
    wanted = {normalised: text for normalised, text in wanted.items() if len(normalised) <= 200}
    with transaction.atomic():
        Phrase.objects.filter(normalised__in=wanted).update(kind=kind)
        existing = set(Phrase.objects.filter(normalised__in=wanted).values_list("normalised", flat=True))
        Phrase.objects.bulk_create(
            [
                Phrase(text=text, normalised=normalised, kind=kind, created_by=actor)
                for normalised, text in wanted.items()
                if normalised not in existing
            ],
            batch_size=500,
        )
        audit_record(action="phrases_imported", actor=actor, reason=f"{len(wanted)} {kind} phrases")
        _changed()
    return len(wanted)


def phrase_remove(*, phrase: Phrase, actor: Any) -> None:
    audit_record(action="phrase_removed", actor=actor, reason=f"{phrase.kind}: {phrase.normalised}")
    phrase.delete()
    _changed()
