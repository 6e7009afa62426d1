"""The screening pipeline every new or edited piece of reader text goes through.

Checks run in a fixed order. A check that rejects stops the pipeline (its reason is what
the author sees); checks that hold add their reasons and the rest still run, so moderators
see every reason at once. Staff never have their comments held.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

from masthead.core import rows
from masthead.moderation import offensive, registry, selectors
from masthead.moderation.models import Sanction, ScreeningRecord, Standing
from masthead.moderation.selectors import TrustLevel
from masthead.moderation.services.audit import audit_record
from masthead.moderation.text import fingerprint, normalise
from masthead.moderation.wordlists import current_matcher

Verdict = Literal["publish", "hold", "reject"]

_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|xyz|top|io|ly)\b", re.I
)
_FLOOD = re.compile(r"(.)\1{9,}")
_WARNED_SECONDS = 30 * 60


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    # Machine-readable rule names, one per reason ("banned_phrase", "new_commenter", ...).
    codes: list[str] = field(default_factory=list)
    score: float | None = None
    fingerprint: str = ""
    # The author's comments are shown to them only (a shadow ban): nobody else is told of them.
    shadow_banned: bool = False


@dataclass
class _Screening:
    text: str
    normalised: str
    author: Any
    article: Any
    honeypot: str
    edited: bool
    warn: bool
    discussion_state: str | None = None
    cached: dict[str, Any] = field(default_factory=dict)
    level: str = TrustLevel.NEW
    sanctions: dict[str, Sanction] = field(default_factory=dict)
    holds: list[tuple[str, str]] = field(default_factory=list)
    score: float | None = None
    # Whether the author posted the same text lately, when the standing read found out.
    repeated: bool | None = None

    def hold(self, code: str, reason: str) -> None:
        self.holds.append((code, reason))


class _Rejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def _check_account(s: _Screening) -> None:
    if s.author is None:
        return
    now = timezone.now()
    if Sanction.Kind.BAN in s.sanctions or selectors.email_domain_banned(s.author.email, cached=s.cached):
        raise _Rejected("banned", "Your account may not post comments.")
    suspension = s.sanctions.get(Sanction.Kind.SUSPEND)
    if suspension is not None and (suspension.ends_at is None or suspension.ends_at > now):
        until = f" until {suspension.ends_at:%d %B %Y, %H:%M} UTC" if suspension.ends_at else ""
        raise _Rejected("suspended", f"Your account is suspended{until}.")


def _check_length(s: _Screening) -> None:
    if not s.text.strip():
        raise _Rejected("empty", "A comment cannot be empty.")
    if len(s.text) > settings.MODERATION_MAX_LENGTH:
        raise _Rejected(
            "too_long", f"A comment can be at most {settings.MODERATION_MAX_LENGTH} characters long."
        )


def _check_thread(s: _Screening) -> None:
    if s.article is None:
        return
    state = s.discussion_state if s.discussion_state is not None else selectors.discussion_state(s.article)
    if state != "open":
        raise _Rejected("closed", "The discussion of this article is closed.")


def _check_repeat(s: _Screening) -> None:
    if s.author is None or s.edited:
        return
    again = s.repeated
    if again is None:
        again = rows.exists(
            ScreeningRecord,
            where=("author", "fingerprint", "created_at>="),
            params=[s.author.pk, fingerprint(s.normalised), timezone.now() - selectors.REPEAT_WINDOW],
        )
    if again:
        raise _Rejected("repeat", "You have already posted this comment.")


def _check_word_lists(s: _Screening) -> None:
    matches = current_matcher(cached=s.cached).find(s.normalised)
    banned = sorted(match.phrase for match in matches if match.kind == "banned")
    if banned:
        raise _Rejected("banned_phrase", "This comment contains language this site does not allow.")
    suspect = sorted(match.phrase for match in matches if match.kind == "suspect")
    if suspect:
        s.hold("suspect_phrase", f"Contains listed words: {', '.join(suspect)}")


def _check_offensive(s: _Screening) -> None:
    if not settings.MODERATION_OFFENSIVE_MODEL:
        return
    s.score = offensive.offensive_score(s.normalised)
    if s.score * 100 < settings.MODERATION_OFFENSIVE_THRESHOLD:
        return
    # Like Coral: warn the author once; if they post offensive text again soon, hold it.
    warned_key = f"moderation:warned:{s.author.pk}" if s.author is not None else ""
    if s.warn and warned_key and not cache.get(warned_key):
        cache.set(warned_key, 1, timeout=_WARNED_SECONDS)
        raise _Rejected(
            "offensive_warning",
            "This comment may be offensive. Please reconsider it; if you post it anyway, "
            "a moderator will review it before it appears.",
        )
    s.hold("offensive", f"Offensive-language score {s.score:.0%}")


def _check_links(s: _Screening) -> None:
    links = len(_LINK.findall(s.text))
    if links and s.level in {TrustLevel.NEW, TrustLevel.PROBATION, TrustLevel.PREMODERATED}:
        s.hold("link_new_commenter", "Links from new commenters are reviewed first")
    elif links > settings.MODERATION_MAX_LINKS:
        s.hold("too_many_links", f"{links} links (at most {settings.MODERATION_MAX_LINKS})")


def _check_honeypot(s: _Screening) -> None:
    if s.honeypot.strip():
        raise _Rejected("honeypot", "This comment looks like automated spam.")


def _check_spam(s: _Screening) -> None:
    letters = [char for char in s.text if char.isalpha()]
    if len(letters) >= 20 and sum(char.isupper() for char in letters) / len(letters) > 0.7:
        s.hold("shouting", "Mostly capital letters")
    if _FLOOD.search(s.text):
        s.hold("flooding", "A character repeated ten or more times")
    words = s.normalised.split()
    if len(words) >= 12 and len(set(words)) / len(words) < 0.3:
        s.hold("repetitive", "The same few words over and over")


def _check_trust(s: _Screening) -> None:
    if s.author is None:
        return
    mode = selectors.moderation_mode(s.article, cached=s.cached)
    if s.level == TrustLevel.PREMODERATED:
        s.hold("premoderated", "A moderator set this commenter to pre-moderation")
    elif mode == "pre" and s.level != TrustLevel.TRUSTED:
        s.hold("pre_moderation", "This discussion is pre-moderated")
    elif mode == "trust" and s.level == TrustLevel.NEW:
        s.hold("new_commenter", "A new commenter's first comments are reviewed")
    elif mode == "trust" and s.level == TrustLevel.PROBATION:
        s.hold("rejection_rate", "Many of this commenter's recent comments were rejected")


PIPELINE: list[Callable[[_Screening], None]] = [
    _check_account,
    _check_length,
    _check_thread,
    _check_repeat,
    _check_honeypot,
    _check_word_lists,
    _check_offensive,
    _check_links,
    _check_spam,
    _check_trust,
]


def screen_text(
    *,
    text: str,
    author: Any = None,
    article: Any = None,
    honeypot: str = "",
    edited: bool = False,
    warn: bool = True,
    discussion_state: str | None = None,
    standing_read: selectors.StandingRead | None = None,
) -> ScreeningResult:
    """Screen ``text`` before it is saved: "publish", "hold" (with reasons) or "reject".

    ``author`` (a user or None for imports and tools) and ``article`` (the Wagtail page the
    text belongs to) decide the trust and mode checks. ``honeypot`` is the hidden form
    field's value; ``edited`` skips repeat detection; ``warn=False`` holds offensive text
    at once instead of warning the author first (imports, API tools). ``discussion_state``
    is the article's discussion state when the caller has just read it (saves reading it again).
    ``standing_read``: the author's standing and repeat check, when the caller read them with
    another query (``selectors.standing_question``); used for this text and author only.
    """
    read = standing_read
    if read is not None and (read.text != text or author is None or read.user_id != author.pk or edited):
        read = None
    normalised = read.normalised if read is not None else normalise(text)
    screening = _Screening(text, normalised, author, article, honeypot, edited, warn, discussion_state)
    screening.cached = selectors.screening_reads()
    digest = read.fingerprint if read is not None else fingerprint(normalised)
    if author is not None:
        screening.sanctions = selectors.active_sanction_kinds(author, cached=screening.cached)
        standing = None
        if read is not None:
            standing, screening.repeated = read.standing, read.repeated
        elif not edited:
            # One query for the standing and the repeat check (a round trip less per post).
            standing, screening.repeated = selectors.standing_and_repeat(
                author, fingerprint=digest, since=timezone.now() - selectors.REPEAT_WINDOW
            )
        screening.level = selectors.trust_level(author, standing=standing, sanctions=screening.sanctions)
    shadow = Sanction.Kind.SHADOW_BAN in screening.sanctions
    try:
        for check in PIPELINE:
            check(screening)
    except _Rejected as rejected:
        return ScreeningResult("reject", [rejected.reason], [rejected.code], screening.score, digest, shadow)
    if screening.holds and screening.level != TrustLevel.STAFF:
        codes = [code for code, _ in screening.holds]
        reasons = [reason for _, reason in screening.holds]
        return ScreeningResult("hold", reasons, codes, screening.score, digest, shadow)
    return ScreeningResult("publish", [], [], screening.score, digest, shadow)


def standing_record(*, user: Any, approved: bool) -> None:
    """Count one outcome (approved or rejected) in ``user``'s standing."""
    rows.run(_standing_statement(user_id=user.pk, approved=approved))


# ``recent`` keeps the last 20 outcomes: append, then keep the rightmost 20 characters.
# Masthead runs on these two databases (its backends in ``masthead.config``).
_KEEP_LAST = {
    "sqlite": "substr(coalesce({recent}, '') || {mark}, -20)",
    "postgresql": "right(coalesce({recent}, '') || {mark}, 20)",
}


def _standing_statement(*, user_id: int, approved: bool) -> rows.Statement:
    """Count one outcome in a standing, made if missing, with one upsert: concurrent outcomes
    stay right without a read or a row lock taken first."""
    keep_last = _KEEP_LAST[connection.vendor]
    # Written out: the ORM's compilation of these expressions cost more than a millisecond
    # per comment, inside the write transaction every poster queues for.
    quote = connection.ops.quote_name
    table = quote(Standing._meta.db_table)
    user, approved_count, rejected_count, recent, updated_at = (
        quote(name) for name in ("user_id", "approved_count", "rejected_count", "recent", "updated_at")
    )
    # The row offered for insert (``excluded``) holds this one outcome: added to the existing row.
    sql = (
        f"INSERT INTO {table} ({user}, {approved_count}, {rejected_count}, {recent}, {updated_at}) "  # noqa: S608 - quoted names, bound values
        f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({user}) DO UPDATE SET "
        f"{approved_count} = {table}.{approved_count} + excluded.{approved_count}, "
        f"{rejected_count} = {table}.{rejected_count} + excluded.{rejected_count}, "
        f"{recent} = {keep_last.format(recent=f'{table}.{recent}', mark=f'excluded.{recent}')}, "
        f"{updated_at} = excluded.{updated_at}"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return rows.Statement(sql, [user_id, int(approved), int(not approved), "a" if approved else "r", now])


def _record(
    *,
    model: type[models.Model],
    object_id: Any,
    result: ScreeningResult,
    author: Any,
    article: Any,
    edited: bool,
) -> ScreeningRecord:
    return ScreeningRecord(
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        author=author,
        page=article if getattr(article, "pk", None) else None,
        verdict=result.verdict,
        reasons=result.reasons,
        codes=result.codes,
        rules=f",{','.join(result.codes)}," if result.codes else "",
        score=result.score,
        fingerprint=result.fingerprint,
        edited=edited,
    )


def screening_writes(
    *, model: type[models.Model], result: ScreeningResult, author: Any = None, article: Any = None
) -> list[rows.Statement] | None:
    """What recording the screening of a new ``model`` object writes, as statements to run
    with its INSERT (``rows.insert_then``; the object's key as ``rows.NEW_KEY``): its screening
    record and its author's approval. Only for a clean publish (no rule matched); None
    when recording needs more, an audit event: then save the object and call
    ``screening_recorded``."""
    if result.verdict != "publish" or result.codes:
        return None
    author = author if author is not None and getattr(author, "pk", None) else None
    record = rows.insert_statement(
        _record(
            model=model, object_id=rows.NEW_KEY, result=result, author=author, article=article, edited=False
        )
    )
    if record is None:
        return None
    if author is None:
        return [record]
    return [record, _standing_statement(user_id=author.pk, approved=True)]


def screening_recorded(
    *,
    target: models.Model,
    result: ScreeningResult,
    author: Any = None,
    article: Any = None,
    edited: bool | None = None,
) -> ScreeningRecord:
    """Record the screening of a saved object (reasons, queue entry, audit event).

    Call inside the transaction that saved ``target``. ``edited``: True for an edit, False
    for a new object; None (the default) finds out from earlier screening records.
    """
    if article is None:
        adapter = registry.for_model(type(target))
        article = adapter.page_of(target) if adapter is not None else None
    author = author if author is not None and getattr(author, "pk", None) else None
    if edited is None:
        # The caller did not say: an object screened before has been edited.
        content_type = ContentType.objects.get_for_model(target)
        edited = ScreeningRecord.objects.filter(content_type=content_type, object_id=target.pk).exists()
    record = _record(
        model=type(target), object_id=target.pk, result=result, author=author, article=article, edited=edited
    )
    rows.insert(record)
    # A clean publish is in the screening record; the audit trail keeps the decisions a
    # moderator may need to answer for (holds, rejections, rules that matched), not one
    # event per comment.
    if result.verdict != "publish" or result.codes:
        _audit_screening(target=target, result=result, author=author, edited=edited)
    if author is not None and result.verdict == "publish" and not edited:
        standing_record(user=author, approved=True)
    return record


def _audit_screening(*, target: models.Model, result: ScreeningResult, author: Any, edited: bool) -> None:
    audit_record(
        action=f"screening_{result.verdict}",
        rule=",".join(result.codes) or "screening",
        target=target,
        subject=author,
        reason="; ".join(result.reasons),
        data={"score": result.score, "codes": result.codes, "edited": edited},
    )
