"""Django's database sessions, with the session read on every signed-in request written out.

``SESSION_ENGINE = "masthead.accounts.sessions"``. The ORM's ``get()`` of the session row
cost more CPU than the query itself (see ``masthead.core.rows``); everything else, writes
included, is Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from masthead.core import rows


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        found = rows.first(
            self.model,
            fields=("session_key", "session_data", "expire_date"),
            where=("session_key", "expire_date>"),
            params=[self.session_key, timezone.now()],
        )
        if found is None:
            # As Django's: an unknown or expired key is dropped, and a new one made on save.
            self._session_key = None
        return found
