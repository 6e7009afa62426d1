"""Masthead's PostgreSQL backend checks a reused connection only after it sat idle."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connection

from masthead.config.postgresql.base import DatabaseWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class _Counted(DatabaseWrapper):
    """The real backend, counting its real health checks."""

    checks = 0

    def is_usable(self) -> bool:
        type(self).checks += 1
        return super().is_usable()


def _own_connection() -> _Counted:
    # A connection of its own to the test database, outside the test's transaction.
    settings_dict = {**connection.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    _Counted.checks = 0
    return _Counted(settings_dict, alias="health-probe")


def _request(wrapper: DatabaseWrapper) -> int:
    """What a request does: Django's start-of-request bookkeeping, then one query."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_connection_in_steady_use_is_not_checked_before_each_request(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 1
    wrapper = _own_connection()
    try:
        first = _request(wrapper)
        for _ in range(5):
            assert _request(wrapper) == first
        assert _Counted.checks == 0
        # Idle longer than the setting: checked, as Django checks.
        wrapper.last_used = time.monotonic() - 2
        assert _request(wrapper) == first
        assert _Counted.checks == 1
    finally:
        wrapper.close()


def test_a_connection_broken_while_idle_is_replaced(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 1
    wrapper = _own_connection()
    try:
        old = _request(wrapper)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old])
        wrapper.last_used = time.monotonic() - 2
        new = _request(wrapper)
        assert new != old and _Counted.checks == 1
    finally:
        wrapper.close()


def test_a_connection_broken_within_the_second_fails_once_then_reconnects(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS = 60
    wrapper = _own_connection()
    try:
        old = _request(wrapper)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old])
        # Without the check the request meets the broken connection, as it would without
        # CONN_HEALTH_CHECKS; Django closes it when that request ends.
        with pytest.raises(OperationalError):
            _request(wrapper)
        wrapper.close_if_unusable_or_obsolete()
        assert _request(wrapper) != old
    finally:
        wrapper.close()


def test_a_statement_run_again_and_again_is_prepared_by_the_server() -> None:
    # The test database is configured as production is (DATABASE_PREPARED_STATEMENTS on):
    # from the fifth run, PostgreSQL holds the statement prepared for this connection.
    sql = "SELECT %s::int + 1 AS masthead_prepared_probe"
    with connection.cursor() as cursor:
        for value in range(6):
            cursor.execute(sql, [value])
            assert cursor.fetchone()[0] == value + 1
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%masthead_prepared_probe%"],
        )
        assert cursor.fetchone()[0] == 1
