"""Reply notifications: opt-in per comment, verified addresses only, signed one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.core import signing

from masthead.discussion.models import Comment

_SALT = "masthead.discussion.unsubscribe"


def unsubscribe_token(*, user: Any) -> str:
    return signing.dumps({"u": user.pk}, salt=_SALT, compress=True)


def notifications_unsubscribe(*, token: str) -> int:
    """Stop reply emails for the account the signed ``token`` names; returns comments changed.

    Raises ``signing.BadSignature`` for a forged or damaged token.
    """
    data = signing.loads(token, salt=_SALT)
    return Comment.objects.filter(author_id=int(data["u"]), notify_replies=True).update(notify_replies=False)
