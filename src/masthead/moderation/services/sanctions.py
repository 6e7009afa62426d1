from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from masthead.core import pagecache
from masthead.moderation import registry
from masthead.moderation.models import (
    BannedDomain,
    ModerationMode,
    ModerationSetting,
    Sanction,
)
from masthead.moderation.selectors import sanction_caches_changed
from masthead.moderation.services.audit import audit_record

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NOTICES: dict[str, str] = {
    Sanction.Kind.WARN: "A moderator has warned you about your comments",
    Sanction.Kind.SUSPEND: "Your commenting is suspended",
    Sanction.Kind.BAN: "Your account may no longer comment",
}


def _notify(sanction: Sanction) -> None:
    """Tell the reader about a warning, suspension or ban (never about a shadow-ban)."""
    subject = _NOTICES.get(sanction.kind)
    if subject is None:
        return
    until = f"\nUntil: {sanction.ends_at:%d %B %Y, %H:%M} UTC" if sanction.ends_at else ""
    body = f"{subject} on {settings.SITE_NAME}.\n\nReason: {sanction.reason}{until}\n"
    email = sanction.user.email
    transaction.on_commit(lambda: send_mail(f"{settings.SITE_NAME}: {subject}", body, None, [email]))


def sanction_apply(*, user: Any, kind: str, actor: Any, reason: str, days: int | None = None) -> Sanction:
    """Warn, suspend (for ``days``), ban, always pre-moderate or shadow-ban ``user``."""
    if kind not in Sanction.Kind.values:
        raise ValueError(f"Unknown sanction {kind!r}")
    reason = reason.strip()
    if not reason:
        raise ValueError("Give the reason: it is kept in the audit log (and sent to the reader).")
    if user.is_staff:
        raise ValueError("Staff accounts are managed in the users admin, not sanctioned.")
    if kind == Sanction.Kind.SUSPEND and not days:
        raise ValueError("Say for how many days the account is suspended.")
    if days is not None and not 1 <= days <= 3650:
        raise ValueError("Between 1 and 3650 days.")
    ends_at = timezone.now() + timedelta(days=days) if days else None
    with transaction.atomic():
        sanction = Sanction.objects.create(
            user=user, kind=kind, reason=reason[:500], ends_at=ends_at, created_by=actor
        )
        audit_record(action=f"sanction_{kind}", actor=actor, subject=user, reason=reason, data={"days": days})
        _notify(sanction)
    sanction_caches_changed()
    transaction.on_commit(sanction_caches_changed)
    return sanction


def sanction_revoke(*, sanction: Sanction, actor: Any, reason: str = "") -> Sanction:
    if sanction.revoked_at is not None:
        return sanction
    with transaction.atomic():
        sanction.revoked_at, sanction.revoked_by = timezone.now(), actor
        sanction.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action=f"sanction_{sanction.kind}_revoked", actor=actor, subject=sanction.user, reason=reason
        )
    sanction_caches_changed()
    transaction.on_commit(sanction_caches_changed)
    return sanction


def domain_ban(*, domain: str, actor: Any, reason: str = "") -> BannedDomain:
    """Refuse comments from every account whose email is at ``domain`` (or a subdomain)."""
    domain = domain.strip().lower().lstrip("@")
    if not _DOMAIN.match(domain):
        raise ValueError(f"{domain!r} is not a domain name")
    banned, _ = BannedDomain.objects.get_or_create(
        domain=domain, defaults={"reason": reason.strip()[:500], "created_by": actor}
    )
    audit_record(action="domain_banned", actor=actor, reason=f"{domain}: {reason}".strip(": "))
    sanction_caches_changed()
    transaction.on_commit(sanction_caches_changed)
    return banned


def domain_unban(*, banned: BannedDomain, actor: Any) -> None:
    audit_record(action="domain_unbanned", actor=actor, reason=banned.domain)
    banned.delete()
    sanction_caches_changed()
    transaction.on_commit(sanction_caches_changed)


def discussion_close(*, page: Any, state: str, actor: Any, reason: str = "") -> None:
    """Close an article's discussion to new comments ("closed"), hide it ("hidden") or reopen it ("open")."""
    if state not in {"open", "closed", "hidden"}:
        raise ValueError(f"Unknown discussion state {state!r}")
    adapters = [adapter for adapter in registry.all_types() if adapter.handles_discussions]
    if not adapters:
        raise ValueError("No installed app keeps discussions.")
    with transaction.atomic():
        for adapter in adapters:
            adapter.discussion_set_state(page=page, state=state, actor=actor)
        audit_record(action=f"discussion_{state}", actor=actor, target=page, reason=reason)
    pagecache.bump(f"page:{page.pk}")


def moderation_mode_set(*, mode: str | None, actor: Any, page: Any = None, site: Any = None) -> None:
    """Set (or with ``mode=None`` clear) the moderation mode of a site or a section/article page."""
    if (page is None) == (site is None):
        raise ValueError("Set the mode of a site or of a page.")
    target = {"page": page} if page is not None else {"site": site}
    if mode is None:
        ModerationSetting.objects.filter(**target).delete()
    else:
        if mode not in ModerationMode.values:
            raise ValueError(f"Unknown moderation mode {mode!r}")
        ModerationSetting.objects.update_or_create(**target, defaults={"mode": mode})
    audit_record(action="moderation_mode_set", actor=actor, target=page or site, reason=mode or "inherit")
