"""Django's SQLite backend, with every writer queued on a file lock beside the database.

SQLite admits one writer at a time. A writer that finds the lock taken waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms between
tries, whether or not the lock came free meanwhile. With a few requests posting at once,
most of a post's time went to those sleeps, not to work.

Here each connection takes an exclusive ``flock`` on ``<database>-writelock`` before it
writes: from ``BEGIN IMMEDIATE`` to ``COMMIT`` or ``ROLLBACK`` inside a transaction (every
``atomic()`` block, as ``transaction_mode`` is ``IMMEDIATE``), and around a single write
statement in autocommit mode. The kernel wakes the next waiter the moment the lock is
released, across threads and processes (every app server on the machine shares the file),
and releases it if a process dies. Readers never take it: WAL lets them read meanwhile. The
busy timeout stays as the backstop for writers that do not use this backend (the ``sqlite3``
shell, a backup). In-memory databases (the tests') have no file and no lock.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def lock_path(name: str) -> str | None:
    """The lock file for database ``name``, or None for an in-memory database."""
    name = str(name)
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return f"{name}-writelock"


class WriteLock:
    """One connection's hold on the database's write lock file (re-entrant within it)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._fd: int | None = None
        self._held = 0
        self.waits = 0  # acquisitions that had to wait: tests and diagnostics read it

    def acquire(self) -> None:
        if self.path is None:
            return
        self._held += 1
        if self._held > 1:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.waits += 1
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except BaseException:
                self._held = 0
                raise

    def release(self) -> None:
        if self._held == 0:
            return
        self._held -= 1
        if self._held == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @property
    def held(self) -> bool:
        return self._held > 0

    def close(self) -> None:
        self._held = 0
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


class _Cursor(base.SQLiteCursorWrapper):
    write_lock: WriteLock
    wrapper: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        # The attribute, not get_autocommit(): a cursor means the connection is open, and the
        # method's connection and event-loop checks cost more than the rest of this check.
        if self.wrapper.autocommit and query.lstrip()[:7].upper().startswith(_WRITES):
            self.write_lock.acquire()
            try:
                return super().execute(query, params)
            finally:
                self.write_lock.release()
        return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.wrapper.autocommit and query.lstrip()[:7].upper().startswith(_WRITES):
            self.write_lock.acquire()
            try:
                return super().executemany(query, param_list)
            finally:
                self.write_lock.release()
        return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.write_lock = WriteLock(lock_path(self.settings_dict["NAME"]))
        self._lock_owner: int | None = None

    def create_cursor(self, name: Any = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.write_lock = self.write_lock
        cursor.wrapper = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        self.write_lock.acquire()
        self._lock_owner = threading.get_ident()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._release_transaction_lock()
            raise

    def _release_transaction_lock(self) -> None:
        if self._lock_owner is not None:
            self._lock_owner = None
            self.write_lock.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_transaction_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_transaction_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._lock_owner = None
            self.write_lock.close()
