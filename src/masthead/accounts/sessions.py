"""Database sessions whose one read also brings the signed-in account.

``SESSION_ENGINE = "masthead.accounts.sessions"``. Django's database session reads the
session row, then authentication reads the account by the id inside it: two round trips on
every signed-in request. Here the row keeps the account's id in a column of its own
(``masthead.accounts.models.Session``), the read joins the account (and whether it has a
verified address, what every write asks), and ``masthead.accounts.middleware`` hands that
account to Django's own ``get_user``, which still checks the session's hash and the
backend as always. Everything else, writes included, is Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.utils import timezone

from masthead.core import rows


class SessionStore(DatabaseSessionStore):
    # The account the last read of this session found (None: none, or not read yet).
    loaded_user: Any = None

    @classmethod
    def get_model_class(cls) -> Any:
        from masthead.accounts.models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance: Any = super().create_model_instance(data)
        instance.user_id = _user_id(data.get(SESSION_KEY))
        return instance

    def _get_session_from_db(self) -> Any:
        self.loaded_user = None
        if self.session_key is None:
            return None
        from allauth.account.models import EmailAddress

        from masthead.accounts.models import VERIFIED_EMAIL_ATTR, Session, User, user_fields

        found = rows.first(
            Session,
            fields=("session_key", "session_data", "expire_date", "user"),
            where=("session_key", "expire_date>"),
            params=[self.session_key, timezone.now()],
            related=("user", user_fields(User)),
            also_exists=(VERIFIED_EMAIL_ATTR, EmailAddress, "user", {"verified": True}),
        )
        if found is None:
            # As Django's: an unknown or expired key is dropped, and a new one made on save.
            self._session_key = None
            return None
        self.loaded_user = found.user
        return found


def _user_id(value: Any) -> int | None:
    from masthead.accounts.models import User

    if value is None:
        return None
    try:
        return int(User._meta.pk.to_python(value))  # type: ignore[union-attr]
    except (TypeError, ValueError, ValidationError):
        return None
