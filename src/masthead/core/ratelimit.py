"""Fixed-window rate limits, counted in Redis when the cache is Redis, else in the database.

Every write a reader can make calls :func:`hit` with a scope and the keys it is limited
by (the account and the client's IP network), and refuses the write when it returns False.
A hit is one round trip whatever the number of keys: one Redis script (INCR and EXPIRE
per key), or one upsert into ``core_ratecount`` that returns every key's new count. Every
write a reader makes pays for it, so it is kept to that one trip.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest

from masthead.core.models import RateCount


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def client_ip(request: HttpRequest) -> str:
    """The client's address, taking X-Forwarded-For only from the configured number of proxies."""
    proxies = settings.MASTHEAD_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - an unknown client, not a bind


@functools.lru_cache(maxsize=4096)
def ip_network(ip: str) -> str:
    """The network a client shares with its neighbours: /24 for IPv4, /64 for IPv6."""
    # Cached: the ipaddress module's parsing was a third of a rate-limit check's CPU.
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "invalid"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def request_keys(request: HttpRequest) -> list[str]:
    """The keys a reader's write is limited by: their account (if any) and their IP network."""
    keys = [f"net:{ip_network(client_ip(request))}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"user:{user.pk}")
    return keys


def hit(scope: str, keys: list[str], limit: Limit) -> bool:
    """Count one attempt against every key; False when any key is over ``limit``."""
    window = int(time.time() // limit.seconds)
    names = list(dict.fromkeys(f"rl:{scope}:{key}:{window}" for key in keys))
    if not names:
        return True
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        counts = _count_in_redis(backend, names, ttl=limit.seconds + 1)
    else:
        counts = _count_in_database(names, expires_at=(window + 1) * limit.seconds)
    return all(count <= limit.count for count in counts)


# Every key's window count raised by one, and its expiry renewed, in one script: one command
# and one reply, where a pipeline of INCR and EXPIRE per key was four of each to pack and parse
# on every write a reader makes. The key names a window, so renewing its expiry on every hit
# only keeps it a little longer; plain EXPIRE (not EXPIRE NX) works on every Redis version.
_COUNT_SCRIPT = """
local counts = {}
for index, key in ipairs(KEYS) do
  counts[index] = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1])
end
return counts
"""
_count_script = None


def _count_in_redis(backend: RedisCache, names: list[str], *, ttl: int) -> list[int]:
    global _count_script
    client = backend._cache.get_client(None, write=True)
    if _count_script is None:
        _count_script = client.register_script(_COUNT_SCRIPT)
    keys = [backend.make_and_validate_key(name) for name in names]
    return [int(count) for count in _count_script(keys=keys, args=[ttl], client=client)]


def _count_in_database(names: list[str], *, expires_at: float) -> list[int]:
    table = connection.ops.quote_name(RateCount._meta.db_table)
    rows = ", ".join(["(%s, 1, %s)"] * len(names))
    params: list[str | float] = []
    for name in names:
        params += [name, expires_at]
    # SQLite (3.35+) and PostgreSQL both upsert and return the new counts in one statement.
    # Only the quoted table name and placeholders are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {table} (name, count, expires_at) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT (name) DO UPDATE SET count = {table}.count + 1 RETURNING name, count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    return [counts[name] for name in names]


def delete_expired() -> int:
    """Drop the database's counts of windows that have ended (a periodic job)."""
    deleted, _ = RateCount.objects.filter(expires_at__lt=time.time()).delete()
    return deleted
