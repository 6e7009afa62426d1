"""Embedding: which sites may show a discussion, their threads, and readers' embed tokens.

Inside a third-party iframe the browser does not send Masthead's ``SameSite=Lax`` session
and CSRF cookies, so the frame cannot act on the reader's session. Instead a reader signs
in on Masthead's own origin (a popup, first-party), confirms there with a CSRF-protected
form, and the frame collects a short-lived signed token bound to the reader, the thread and
the embedding site. The frame sends the token with each write; the server never trusts a
cookie on those endpoints, so a forged request from another page carries no authority.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from masthead.discussion.embed.models import EmbedOrigin, origin_of
from masthead.discussion.models import Thread

TOKEN_SALT = "masthead.discussion.embed.token"  # noqa: S105 - a signing namespace, not a secret
# A token outlives a reading session but not a day; signing in again is one click.
TOKEN_MAX_AGE = 8 * 60 * 60
# How long a confirmed sign-in waits for the frame to collect it.
HANDOFF_SECONDS = 10 * 60
HANDOFF_PREFIX = "discussion:embed:handoff:"


class OriginRefused(PermissionDenied):
    """The page is not on a site the newsroom allows to embed its discussions."""


class TooManyThreads(Exception):
    """A new thread was refused by the caller's rate limit."""


@dataclass(frozen=True)
class EmbedTarget:
    thread: Thread
    origin: str
    url: str


def origin_is_allowed(*, origin: str) -> bool:
    """An enabled embedding site, or a host listed in DISCUSSION_EMBED_HOSTS (the env fallback)."""
    if not origin:
        return False
    if EmbedOrigin.objects.filter(origin=origin, enabled=True).exists():
        return True
    return urlsplit(origin).hostname in set(settings.DISCUSSION_EMBED_HOSTS)


def embed_thread_for_url(
    *, url: str, title: str = "", may_create: Callable[[], bool] | None = None
) -> EmbedTarget:
    """The thread of an external page, created on first use; refused for unknown sites.

    ``may_create`` is asked before a new thread is made (a rate limit: anyone can invent
    page addresses on an allowed site).
    """
    if len(url) > 500:
        raise ValidationError("That page address is too long.")
    origin = origin_of(url)
    if not origin_is_allowed(origin=origin):
        raise OriginRefused(f"Discussions cannot be embedded on {origin or 'that page'}.")
    normalised = urlsplit(url.strip())._replace(fragment="", query="").geturl()
    existing = Thread.objects.filter(url=normalised).first()
    if existing is not None:
        return EmbedTarget(thread=existing, origin=origin, url=normalised)
    if may_create is not None and not may_create():
        raise TooManyThreads("Too many new discussions from your network. Please try again later.")
    try:
        with transaction.atomic():
            thread, _ = Thread.objects.get_or_create(url=normalised, defaults={"title": title.strip()[:255]})
    except IntegrityError:
        thread = Thread.objects.get(url=normalised)
    return EmbedTarget(thread=thread, origin=origin, url=normalised)


def _auth_hash(user: Any) -> str:
    # Changing the password (or signing out everywhere) invalidates the reader's tokens.
    return user.get_session_auth_hash()[:20]


def embed_token_issue(*, user: Any, thread: Thread, origin: str) -> str:
    return signing.dumps(
        {"u": user.pk, "t": thread.pk, "o": origin, "h": _auth_hash(user)}, salt=TOKEN_SALT, compress=True
    )


def embed_token_user(*, token: str, thread_id: int) -> Any:
    """The reader a token was issued to, for this thread; PermissionDenied when it is not valid."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise PermissionDenied("Your sign-in for this discussion has expired. Please sign in again.") from exc
    except signing.BadSignature as exc:
        raise PermissionDenied("That sign-in is not valid. Please sign in again.") from exc
    if not isinstance(data, dict) or data.get("t") != thread_id:
        raise PermissionDenied("That sign-in belongs to another discussion.")
    user_id = data.get("u")
    if not isinstance(user_id, int):
        raise PermissionDenied("That sign-in is not valid. Please sign in again.")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or _auth_hash(user) != data.get("h"):
        raise PermissionDenied("That sign-in is no longer valid. Please sign in again.")
    return user


def new_handoff_key() -> str:
    return secrets.token_urlsafe(24)


def handoff_key_is_valid(key: str) -> bool:
    return 20 <= len(key) <= 64 and all(c.isalnum() or c in "-_" for c in key)


def embed_handoff_store(*, key: str, token: str) -> None:
    """Leave a confirmed sign-in for the frame that generated ``key`` to collect once."""
    if not handoff_key_is_valid(key):
        raise ValidationError("That sign-in request is not valid.")
    cache.set(HANDOFF_PREFIX + key, token, HANDOFF_SECONDS)


def embed_handoff_take(*, key: str) -> str | None:
    if not handoff_key_is_valid(key):
        return None
    token = cache.get(HANDOFF_PREFIX + key)
    if token is not None:
        cache.delete(HANDOFF_PREFIX + key)
    return token
