"""Fixed-window rate limits on Django's cache (Redis when REDIS_URL is set, else the database).

Every write a reader can make calls :func:`hit` with a scope and the keys it is limited
by (the account and the client's IP network), and refuses the write when it returns False.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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


def ip_network(ip: str) -> str:
    """The network a client shares with its neighbours: /24 for IPv4, /64 for IPv6."""
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
    allowed = True
    for key in keys:
        cache_key = f"rl:{scope}:{key}:{window}"
        # add() then incr() is atomic on Redis and close enough on the database cache.
        cache.add(cache_key, 0, timeout=limit.seconds + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=limit.seconds + 1)
            count = 1
        if count > limit.count:
            allowed = False
    return allowed
