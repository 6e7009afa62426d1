"""Django's database cache, with one statement per write.

Without Redis the cache lives in the database, and every rate-limit count and page-cache
purge writes to it. Django's backend spends four statements on each write (it counts the
whole table to decide whether to cull, then reads and writes the row in a transaction) and
its ``incr`` is a read followed by a ``set``. On SQLite each of those transactions holds the
database's only write lock, which every comment being posted also needs.

Here ``set`` and ``add`` are one upsert, the table is counted for culling at most every
``CULL_CHECK_SECONDS`` per process, and ``incr`` is a compare-and-set on the stored value,
so concurrent increments are not lost (Django's can be) and the entry keeps its expiry (as
on Redis). Other databases than SQLite and PostgreSQL get Django's own code.
"""

from __future__ import annotations

import base64
import pickle
import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, OperationalError, connections, router
from django.utils.timezone import now as tz_now

CULL_CHECK_SECONDS = 30.0
_UPSERT_VENDORS = {"sqlite", "postgresql"}
_INCR_ATTEMPTS = 100


class DatabaseCache(DjangoDatabaseCache):
    _table: str  # set by Django's __init__ (not in its type stubs, nor are the private methods used)

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self._next_cull_check = 0.0

    def _base_set(self, mode: str, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode == "touch" or connection.vendor not in _UPSERT_VENDORS:
            return bool(super()._base_set(mode, key, value, timeout))  # type: ignore[misc]
        timeout = self.get_backend_timeout(timeout)
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = expires.replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = (
            quote_name(name) for name in ("cache_key", "value", "expires")
        )
        sql = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "  # noqa: S608 - names quoted, values bound
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = excluded.{value_column}, "
            f"{expires_column} = excluded.{expires_column}"
        )
        params = [key, encoded, connection.ops.adapt_datetimefield_value(expires)]
        if mode == "add":
            # add() replaces only an expired entry.
            sql += f" WHERE {table}.{expires_column} < %s"
            params.append(connection.ops.adapt_datetimefield_value(now))
        with connection.cursor() as cursor:
            if mode == "add":
                # A rate limit add()s its counter on every hit but creates it only on the
                # first of a window: reading first spares the others a write (and on SQLite
                # the write lock, which even an upsert that changes nothing takes).
                cursor.execute(
                    f"SELECT 1 FROM {table} WHERE {key_column} = %s AND {expires_column} >= %s",  # noqa: S608 - quoted names
                    [key, params[-1]],
                )
                if cursor.fetchone() is not None:
                    return False
            self._cull_now_and_then(db, cursor, now)
            try:
                cursor.execute(sql, params)
            except DatabaseError:
                # Like Django's: a write that fails (say, a lock timeout) is not an error.
                return False
            return mode != "add" or cursor.rowcount > 0

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        """Django's ``get_many`` with the expiry compared in SQL: Django's converted every row's
        expiry to an aware datetime in Python, and compiled an expression to learn how, which
        was most of the cost of reading a page's versions. An expired entry is skipped, not
        deleted on the way (a write culls the table when it is full, expired entries first)."""
        db = router.db_for_read(self.cache_model_class)
        connection = connections[db]
        if not keys or connection.vendor not in _UPSERT_VENDORS:
            return dict(super().get_many(keys, version))
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        quote_name = connection.ops.quote_name
        key_column, value_column, expires_column = (
            quote_name(name) for name in ("cache_key", "value", "expires")
        )
        placeholders = ", ".join(["%s"] * len(key_map))
        sql = (
            f"SELECT {key_column}, {value_column} FROM {quote_name(self._table)} "  # noqa: S608 - quoted names, bound values
            f"WHERE {key_column} IN ({placeholders}) AND {expires_column} >= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*key_map, connection.ops.adapt_datetimefield_value(tz_now())])
            rows = cursor.fetchall()
        return {
            key_map[key]: pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301 - our own cache rows
            for key, value in rows
        }

    def _cull_now_and_then(self, db: str, cursor: Any, now: datetime) -> None:
        # MAX_ENTRIES is a soft bound anyway: counting the table on every write cost a
        # full scan of it per rate-limit hit.
        if time.monotonic() < self._next_cull_check:
            return
        self._next_cull_check = time.monotonic() + CULL_CHECK_SECONDS
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")  # noqa: S608 - quoted name
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, now, count)  # type: ignore[attr-defined]

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in _UPSERT_VENDORS:
            return super().incr(key, delta, version)
        key = self.make_and_validate_key(key, version=version)
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        key_column, value_column, expires_column = (
            quote_name(name) for name in ("cache_key", "value", "expires")
        )
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with connection.cursor() as cursor:
            for attempt in range(_INCR_ATTEMPTS):
                try:
                    cursor.execute(
                        f"SELECT {value_column} FROM {table} WHERE {key_column} = %s AND {expires_column} > %s",  # noqa: S608 - quoted names
                        [key, now],
                    )
                    row = cursor.fetchone()
                    if row is None:
                        raise ValueError(f"Key '{key}' not found.")
                    stored = connection.ops.process_clob(row[0])
                    value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301 - our own cache rows
                    encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                    # Written only if nobody changed it since we read it; otherwise read again.
                    cursor.execute(
                        f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s AND {value_column} = %s",  # noqa: S608 - quoted names
                        [encoded, key, stored],
                    )
                except OperationalError:
                    # A busy database (SQLite's shared-cache tables fail at once rather than
                    # wait): try again shortly, unless a failed statement spoilt a transaction.
                    if connection.in_atomic_block:
                        raise
                    time.sleep(0.001 * (attempt + 1))
                    continue
                if cursor.rowcount:
                    return value
        raise DatabaseError(f"Could not increment cache key {key!r}: too many concurrent writers.")
