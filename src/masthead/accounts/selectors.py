"""Questions about accounts that other apps ask."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from masthead.accounts.models import VERIFIED_EMAIL_ATTR
from masthead.core import rows


def has_verified_email(user: Any) -> bool:
    """Whether ``user`` (signed in) has a verified email address: what taking part needs.

    The user a request loads from its session carries the answer, read in the same query;
    any other user object is asked the database.
    """
    if user is None or not user.is_authenticated:
        return False
    known = getattr(user, VERIFIED_EMAIL_ATTR, None)
    if known is not None:
        return bool(known)
    return rows.exists(EmailAddress, where=("user", "verified"), params=[user.pk, True])
