"""Django's PostgreSQL backend, with the health check skipped on a connection in steady use.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
that reuses a persistent connection: one round trip more for each request that touches the
database, which for a posted comment was one in eleven. What the check catches is a
connection broken while it sat idle (the server restarted or failed over, a pooler or
firewall dropped it). So a connection used less than ``DATABASE_HEALTH_CHECK_IDLE_SECONDS``
ago (default 1) is taken as alive; one idle longer is checked as Django checks it, and
replaced when the check fails. A server that goes away within that second fails the
requests already on their way to it, as it would with the check, and Django closes the
broken connection when such a request ends.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_used = float("-inf")

    def close_if_health_check_failed(self) -> None:
        # Django's own attributes, which its type stubs do not list.
        state: Any = self
        if (
            self.connection is not None
            and state.health_check_enabled
            and not state.health_check_done
            and time.monotonic() - self.last_used < settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS
        ):
            state.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name: Any = None) -> Any:
        cursor = super()._cursor(name)  # type: ignore[misc]
        self.last_used = time.monotonic()
        return cursor
