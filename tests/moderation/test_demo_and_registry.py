"""The demo loader seeds the queues; the registry refuses a second adapter under one name."""

from __future__ import annotations

import pytest

from masthead.moderation import registry
from masthead.moderation.demo import load
from masthead.moderation.models import AuditEvent, Phrase, Report


def test_demo_seeds_word_lists_and_the_queues_and_is_idempotent(
    post, commenter, reader, admin_user, trusted, no_model
) -> None:
    comments = [post(commenter if n % 2 else reader, f"Demo comment {n}.") for n in range(5)]
    lines: list[str] = []
    load(lines.append)
    load(lines.append)
    assert Phrase.objects.filter(kind="banned").count() == 4
    assert Phrase.objects.filter(kind="suspect").count() == 6
    statuses = [type(comments[0]).objects.get(pk=c.pk).status for c in comments]
    assert statuses == ["visible", "visible", "rejected", "visible", "pending"]
    assert Report.objects.filter(object_id=comments[3].pk).count() == 1
    assert lines.count("moderation: one comment held, one reported, one rejected") == 1
    assert (
        AuditEvent.objects.filter(action="item_reject", reason="Personal attack on another reader").count()
        == 1
    )


def test_demo_without_comments_only_seeds_lists(db) -> None:
    lines: list[str] = []
    load(lines.append)
    assert Phrase.objects.count() == 10
    assert lines[-1] == "moderation: too few demo comments to seed the queues"


def test_registry_refuses_a_different_adapter_under_the_same_key() -> None:
    class Impostor(registry.ModeratedType):
        key = "comment"

    with pytest.raises(ValueError, match="already registered"):
        registry.register(Impostor())
    with pytest.raises(LookupError):
        registry.get("poll")
    from masthead.discussion.models import Comment

    assert registry.for_model(Comment) is registry.get("comment")
