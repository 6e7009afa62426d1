"""Content apps register the things readers write, so moderation can queue and decide them.

Moderation never imports the apps it moderates. An app describes its model with a
``ModeratedType`` adapter and registers it in its ``AppConfig.ready()`` (the pattern of
django-contrib-comments' ``moderator.register`` and Wagtail's hooks)::

    registry.register(CommentModeration())

The adapter names the model's fields (author, page, status, created) so moderation can
filter querysets itself, describes one object for the workspace, and applies decisions by
calling the content app's own services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.db import models

# Decisions a moderator (or a rule) can take; adapters map them to their own services.
DECISIONS = ("approve", "reject", "remove", "hide", "hold", "restore", "feature", "unfeature", "edit")
# The generic states moderation's queues are made of, mapped by each adapter to its statuses.
STATES = ("pending", "approved", "rejected", "removed", "hidden")


@dataclass(frozen=True)
class Item:
    """One moderatable object as the workspace shows it."""

    key: str
    object_id: int
    text: str
    author: Any
    page: Any
    link: str
    created: datetime
    state: str
    status: str
    reasons: list[str] = field(default_factory=list)
    featured: bool = False
    obj: Any = None


class ModeratedType:
    """Base class of an adapter; subclasses set the class attributes and the three methods."""

    key: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[models.Model]]
    author_field: ClassVar[str] = "author"
    page_field: ClassVar[str]
    created_field: ClassVar[str] = "created_at"
    status_field: ClassVar[str] = "status"
    # Generic state -> the model's status values for it.
    states: ClassVar[dict[str, tuple[str, ...]]]

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def state_of(self, obj: Any) -> str:
        status = getattr(obj, self.status_field)
        return next((state for state, values in self.states.items() if status in values), status)

    def page_of(self, obj: Any) -> Any:
        """The Wagtail page ``obj`` belongs to (following ``page_field``), or None."""
        value: Any = obj
        for name in self.page_field.split("__"):
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    def describe(self, obj: Any, request: Any = None) -> Item:
        """``request``, when given, lets page URLs come from per-request caches (list pages)."""
        raise NotImplementedError

    def apply(self, *, obj: Any, decision: str, actor: Any, reason: str = "", text: str = "") -> None:
        """Carry out ``decision`` through the content app's services; ValueError if not allowed."""
        raise NotImplementedError

    def export(self, obj: Any) -> dict[str, Any]:
        """The author's own copy of ``obj`` for their data download."""
        raise NotImplementedError

    def erase_author(self, *, user: Any) -> int:
        """Before ``user``'s account is deleted: tombstone or delete what they wrote; returns a count."""
        raise NotImplementedError

    # Optional: a content app that owns per-article discussions lets moderation close them.
    handles_discussions: ClassVar[bool] = False

    def discussion_state(self, *, page: Any) -> str:
        """ "open", "closed" (readable, no new comments) or "hidden" (not shown)."""
        return "open"

    def discussion_set_state(self, *, page: Any, state: str, actor: Any) -> None:
        raise NotImplementedError


_registry: dict[str, ModeratedType] = {}


def register(adapter: ModeratedType) -> None:
    existing = _registry.get(adapter.key)
    if existing is not None and type(existing) is not type(adapter):
        raise ValueError(f"A different adapter is already registered as {adapter.key!r}")
    _registry[adapter.key] = adapter


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> ModeratedType:
    """The adapter registered as ``key``; LookupError when there is none."""
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(f"Nothing is registered for moderation as {key!r}") from None


def for_model(model: type[models.Model]) -> ModeratedType | None:
    concrete = model._meta.concrete_model
    return next((adapter for adapter in _registry.values() if adapter.model is concrete), None)


def all_types() -> Iterable[ModeratedType]:
    return list(_registry.values())
