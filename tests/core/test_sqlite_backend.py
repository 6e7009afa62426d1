"""Masthead's SQLite backend queues writers on a file lock instead of SQLite's busy sleeps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from masthead.config.sqlite.base import DatabaseWrapper, lock_path


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):  # type: ignore[no-untyped-def]
    # These tests open their own connections to their own files, not the test database.
    with django_db_blocker.unblock():
        yield


def _connection(path: Path) -> DatabaseWrapper:
    options = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    if "transaction_mode" not in options:  # a PostgreSQL run: use the production options
        options = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    return DatabaseWrapper(
        {
            "ENGINE": "masthead.config.sqlite",
            "NAME": str(path),
            "OPTIONS": options,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=f"lock-test-{id(path)}-{time.monotonic_ns()}",
    )


def test_lock_file_sits_beside_the_database_and_memory_databases_have_none():
    assert lock_path("/srv/masthead.sqlite3") == "/srv/masthead.sqlite3-writelock"
    assert lock_path("file:/srv/db.sqlite3?mode=rwc") == "/srv/db.sqlite3-writelock"
    assert lock_path(":memory:") is None
    assert lock_path("file:memorydb_default?mode=memory&cache=shared") is None


def test_production_settings_use_the_backend_for_sqlite():
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("this run uses PostgreSQL")
    assert settings.DATABASES["default"]["ENGINE"] == "masthead.config.sqlite"


def test_a_second_writer_waits_for_the_first_to_commit_and_then_writes(tmp_path):
    path = tmp_path / "db.sqlite3"
    first = _connection(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    order: list[str] = []
    waits: list[int] = []
    in_transaction = threading.Event()

    def write_later() -> None:
        in_transaction.wait(5)
        second = _connection(path)
        with second.cursor() as cursor:  # autocommit: the statement takes the lock
            cursor.execute("INSERT INTO t VALUES (2)")
        order.append("second wrote")
        waits.append(second.write_lock.waits)
        second.close()

    thread = threading.Thread(target=write_later)
    thread.start()
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    assert first.write_lock.held
    in_transaction.set()
    time.sleep(0.3)  # the second writer is queued on the lock, not failing
    order.append("first commits")
    first.commit()
    first.set_autocommit(True)
    assert not first.write_lock.held
    thread.join(5)
    assert order == ["first commits", "second wrote"]
    assert waits == [1]
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    first.close()


def test_rollback_and_close_release_the_lock(tmp_path):
    path = tmp_path / "db.sqlite3"
    first, second = _connection(path), _connection(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    first.rollback()
    first.set_autocommit(True)
    assert not first.write_lock.held
    second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert second.write_lock.held and second.write_lock.waits == 0
    second.close()  # a connection closed mid-transaction (a dying request) frees the lock
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (3)")
    assert first.write_lock.waits == 0
    first.close()


def test_reads_never_wait_for_a_writer(tmp_path):
    path = tmp_path / "db.sqlite3"
    writer, reader = _connection(path), _connection(path)
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (n INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    writer.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with writer.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
    with reader.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == 1
    assert reader.write_lock.waits == 0 and not reader.write_lock.held
    writer.rollback()
    writer.close()
    reader.close()
