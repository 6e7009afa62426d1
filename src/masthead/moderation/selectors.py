"""Reads other apps and moderation's pages rely on."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from masthead.core import rows
from masthead.moderation import registry
from masthead.moderation.models import (
    BannedDomain,
    ModerationMode,
    ModerationSetting,
    Sanction,
    ScreeningRecord,
    Standing,
)
from masthead.moderation.text import fingerprint, normalise
from masthead.moderation.wordlists import LISTS_VERSION_KEY

_SHADOW_KEY = "moderation:shadow-banned"
_DOMAINS_KEY = "moderation:banned-domains"
_MODES_KEY = "moderation:mode-settings"
_SANCTIONED_KEY = "moderation:sanctioned"
_CACHE_SECONDS = 300


class TrustLevel:
    STAFF = "staff"
    TRUSTED = "trusted"
    REGULAR = "regular"
    NEW = "new"
    PROBATION = "probation"  # recent rejections passed the threshold
    PREMODERATED = "premoderated"  # a moderator's sanction


def shadow_banned_user_ids() -> frozenset[int]:
    """Ids of shadow-banned readers: their comments are shown to themselves only. Cached."""
    ids = cache.get(_SHADOW_KEY)
    if ids is None:
        ids = sorted(
            Sanction.objects.active().filter(kind=Sanction.Kind.SHADOW_BAN).values_list("user_id", flat=True)
        )
        # Cached briefly even without a change, so a ban that simply expires is noticed.
        cache.set(_SHADOW_KEY, ids, timeout=_CACHE_SECONDS)
    return frozenset(ids)


def is_shadow_banned(user: Any) -> bool:
    return bool(user is not None and getattr(user, "pk", None) and user.pk in shadow_banned_user_ids())


def discussion_state(page: Any) -> str:
    """ "open", "closed" (readable, no new comments) or "hidden", as the content app keeps it."""
    if page is None:
        return "open"
    for adapter in registry.all_types():
        if adapter.handles_discussions:
            return adapter.discussion_state(page=page)
    return "open"


def sanction_caches_changed() -> None:
    cache.delete_many([_SHADOW_KEY, _DOMAINS_KEY, _SANCTIONED_KEY])
    forget_screening_reads()


# Every comment needs screening's cached values, a moderator's action changes them, and the
# cache round trip for them was 6% of a post's CPU. So a process keeps what it read for a
# second: a change made in the process applies at once, one made elsewhere within a second.
_READS_SECONDS = 1.0
_reads: tuple[float, dict[str, Any]] | None = None


def screening_reads() -> dict[str, Any]:
    """The cached values screening reads for every comment, in one cache round trip (one
    query on the database cache) at most once a second; pass the result as ``cached`` to the
    selectors below, which fill in what was missing (read from the database and cached)."""
    global _reads
    now = time.monotonic()
    held = _reads
    if held is not None and now - held[0] < _READS_SECONDS:
        return held[1]
    found = dict(cache.get_many([_DOMAINS_KEY, _MODES_KEY, _SANCTIONED_KEY, LISTS_VERSION_KEY]))
    _reads = (now, found)
    return found


def forget_screening_reads() -> None:
    """Drop this process's copy of screening's cached values (after a change, or a cache clear)."""
    global _reads
    _reads = None


def _cached(key: str, cached: dict[str, Any] | None) -> Any:
    return cache.get(key) if cached is None else cached.get(key)


def _keep(key: str, value: Any, cached: dict[str, Any] | None) -> None:
    """Cache a value that was missing, and fill it into the process's copy of the reads."""
    cache.set(key, value, timeout=_CACHE_SECONDS)
    if cached is not None:
        cached[key] = value


def _mode_settings(cached: dict[str, Any] | None = None) -> list[tuple[int, str, str]]:
    """Every mode setting as (1 for a page's, 0 for a site's; tree path; mode). Cached:
    screening asks for every comment, and there are only a few (sections, sites)."""
    found = _cached(_MODES_KEY, cached)
    if found is None:
        found = []
        for setting in ModerationSetting.objects.select_related("page", "site__root_page").order_by():
            if setting.page is not None:
                found.append((1, setting.page.path, setting.mode))
            elif setting.site is not None:
                found.append((0, setting.site.root_page.path, setting.mode))
        # Cached briefly even without a change, as a backstop to the signals that clear it.
        _keep(_MODES_KEY, found, cached)
    return [tuple(entry) for entry in found]


def mode_settings_changed() -> None:
    cache.delete(_MODES_KEY)
    forget_screening_reads()


def moderation_mode(page: Any, *, cached: dict[str, Any] | None = None) -> str:
    """The mode for comments on ``page``: the deepest setting on its path, then its site's."""
    path = getattr(page, "path", "") or ""
    paths = {path[:end] for end in range(4, len(path) + 1, 4)}
    if paths:
        # Deepest first: a page's own setting, then its section's, then its site's.
        ranked = sorted(
            (
                (kind, len(setting_path), mode)
                for kind, setting_path, mode in _mode_settings(cached)
                if setting_path in paths
            ),
            reverse=True,
        )
        if ranked:
            return ranked[0][2]
    return (
        settings.MODERATION_MODE
        if settings.MODERATION_MODE in ModerationMode.values
        else ModerationMode.TRUST
    )


_STANDING_FIELDS = [field.attname for field in Standing._meta.concrete_fields]


def standing_of(user: Any) -> Standing:
    """The user's standing, unsaved and empty when they have none yet."""
    found = rows.first(Standing, fields=_STANDING_FIELDS, where=("user",), params=[user.pk])
    return found or Standing(user=user)


def standing_and_repeat(user: Any, *, fingerprint: str, since: datetime) -> tuple[Standing, bool | None]:
    """``standing_of(user)``, and in the same query whether they were screened with the
    same text (``fingerprint``) since ``since``; None when that is unknown because they have
    no standing yet (their first comment)."""
    found = rows.first(
        Standing,
        fields=_STANDING_FIELDS,
        where=("user",),
        params=[user.pk],
        also_exists=(
            "_repeated",
            ScreeningRecord,
            "author",
            {"fingerprint": fingerprint, "created_at>=": since},
        ),
    )
    if found is None:
        return Standing(user=user), None
    return found, bool(cast(Any, found)._repeated)


# A comment whose text its author was screened with this recently is refused as a repeat.
REPEAT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class StandingRead:
    """What screening reads of a commenter before it screens ``text``: their standing and
    whether they were screened with the same text within ``REPEAT_WINDOW``, read by another
    query that asked for them (``StandingQuestion``), so a post reads them in the round trip
    that reads its thread."""

    text: str
    normalised: str
    fingerprint: str
    user_id: int
    standing: Standing
    repeated: bool


@dataclass(frozen=True)
class StandingQuestion:
    """The standing of ``user`` and whether they posted ``text`` lately, asked as part of a
    ``rows.first`` query: pass ``clauses()`` to it, then ``answer()`` the instance it returns."""

    user: Any
    text: str
    normalised: str
    fingerprint: str
    since: datetime

    def clauses(self) -> dict[str, Any]:
        return {
            "keyed_row": ("_screening_standing", Standing, "user", _STANDING_FIELDS, self.user.pk),
            "also_exists": (
                "_screening_repeated",
                ScreeningRecord,
                None,
                {"author": self.user.pk, "fingerprint": self.fingerprint, "created_at>=": self.since},
            ),
        }

    def answer(self, instance: Any) -> StandingRead:
        standing = getattr(instance, "_screening_standing", None) or Standing(user=self.user)
        repeated = bool(getattr(instance, "_screening_repeated", False))
        return StandingRead(self.text, self.normalised, self.fingerprint, self.user.pk, standing, repeated)


def standing_question(user: Any, *, text: str) -> StandingQuestion:
    """Ask for ``user``'s ``StandingRead`` before screening ``text`` (the text as screening
    gets it), inside another query."""
    normalised = normalise(text)
    return StandingQuestion(user, text, normalised, fingerprint(normalised), timezone.now() - REPEAT_WINDOW)


def rejection_rate(standing: Standing) -> float:
    recent = standing.recent
    return recent.count("r") / len(recent) if recent else 0.0


def sanctioned_user_ids(*, cached: dict[str, Any] | None = None) -> frozenset[int]:
    """Ids of readers with an active sanction of any kind, or one that ended lately. Cached:
    most commenters have none, and then screening need not ask the database."""
    ids = _cached(_SANCTIONED_KEY, cached)
    if ids is None:
        ids = sorted(set(Sanction.objects.active().values_list("user_id", flat=True)))
        # An expired sanction stays in the set until the timeout: a needless query, not a miss.
        _keep(_SANCTIONED_KEY, ids, cached)
    return frozenset(ids)


def active_sanction_kinds(user: Any, *, cached: dict[str, Any] | None = None) -> dict[str, Sanction]:
    """Kind -> the active sanction of that kind ending last."""
    found: dict[str, Sanction] = {}
    if user.pk not in sanctioned_user_ids(cached=cached):
        return found
    for sanction in Sanction.objects.active().filter(user=user).order_by("ends_at"):
        found[sanction.kind] = sanction
    return found


def banned_domains(*, cached: dict[str, Any] | None = None) -> frozenset[str]:
    """Banned email domains. Cached: screening asks for every comment."""
    domains = _cached(_DOMAINS_KEY, cached)
    if domains is None:
        domains = list(BannedDomain.objects.values_list("domain", flat=True))
        _keep(_DOMAINS_KEY, domains, cached)
    return frozenset(domains)


def email_domain_banned(email: str, *, cached: dict[str, Any] | None = None) -> bool:
    parts = email.rsplit("@", 1)[-1].lower().split(".")
    banned = banned_domains(cached=cached)
    # A ban on example.org covers mail.example.org too.
    return any(".".join(parts[index:]) in banned for index in range(len(parts) - 1))


def trust_level(
    user: Any, *, standing: Standing | None = None, sanctions: dict[str, Sanction] | None = None
) -> str:
    """Where ``user`` stands: staff, premoderated, probation, new, regular or trusted."""
    if user.is_staff:
        return TrustLevel.STAFF
    sanctions = active_sanction_kinds(user) if sanctions is None else sanctions
    if Sanction.Kind.PREMODERATE in sanctions:
        return TrustLevel.PREMODERATED
    standing = standing_of(user) if standing is None else standing
    minimum_history = 5
    if (
        len(standing.recent) >= minimum_history
        and rejection_rate(standing) * 100 >= settings.MODERATION_REJECTION_RATE
    ):
        return TrustLevel.PROBATION
    if standing.approved_count < settings.MODERATION_NEW_COMMENTER_HOLD:
        return TrustLevel.NEW
    if standing.approved_count >= settings.MODERATION_TRUSTED_AFTER:
        return TrustLevel.TRUSTED
    return TrustLevel.REGULAR
