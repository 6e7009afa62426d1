"""Demo content: word lists, and a few of the demo comments held, reported and rejected."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model

from masthead.moderation import registry
from masthead.moderation.models import Phrase, Report
from masthead.moderation.services import item_decide, phrases_add_many, report_create

BANNED = ["vermin", "subhuman", "go back where you came from", "string them up"]
SUSPECT = ["idiot", "traitor", "liar", "scum", "moron", "clown"]


def load(log: Callable[[str], None]) -> None:
    moderator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if not Phrase.objects.exists():
        phrases_add_many(lines=BANNED, kind=Phrase.Kind.BANNED, actor=moderator)
        phrases_add_many(lines=SUSPECT, kind=Phrase.Kind.SUSPECT, actor=moderator)
        log(f"moderation: {len(BANNED)} banned and {len(SUSPECT)} suspect phrases")
    try:
        adapter = registry.get("comment")
    except LookupError:
        log("moderation: no comments registered; queues stay empty")
        return
    if Report.objects.exists():
        return
    # The first few comments are the hand-written demo thread, not the generated bulk.
    # Only comments nobody answered: holding one with replies would hide the demo's deep chain.
    first = adapter.queryset().filter(status__in=adapter.states["approved"]).order_by("pk")[:12]
    visible = [item for item in first if not getattr(item, "reply_count", 0)][:6]
    readers = list(get_user_model().objects.filter(is_staff=False).order_by("pk")[:3])
    if len(visible) < 4 or len(readers) < 2:
        log("moderation: too few demo comments to seed the queues")
        return
    held, reported, rejected = visible[-1], visible[-2], visible[-3]
    item_decide(
        key="comment", object_id=held.pk, decision="hold", actor=moderator, reason="Checking a claim in it"
    )
    for reader in readers[:2]:
        author = getattr(reported, adapter.author_field)
        if author is None or author.pk != reader.pk:
            report_create(reporter=reader, key="comment", object_id=reported.pk, reason="abuse", text="")
    item_decide(key="comment", object_id=rejected.pk, decision="hold", actor=moderator, reason="Second look")
    item_decide(
        key="comment",
        object_id=rejected.pk,
        decision="reject",
        actor=moderator,
        reason="Personal attack on another reader",
    )
    log("moderation: one comment held, one reported, one rejected")
