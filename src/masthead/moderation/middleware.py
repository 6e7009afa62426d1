"""Per-network limits on account writes: sign-up, login and password reset.

allauth already limits these per IP address and per email (``ACCOUNT_RATE_LIMITS``); a
spammer rotating addresses inside one network slips under that, so this middleware adds a
limit per IP network (/24, /64) and, for login and reset, per submitted email, on the same
cache-backed counters as every other reader write (``masthead.core.ratelimit``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from masthead.core.ratelimit import Limit, client_ip, hit, ip_network

ACCOUNT_LIMITS = {
    "account_signup": Limit(20, 3600),
    "account_login": Limit(60, 600),
    "account_reset_password": Limit(20, 3600),
    "account_reset_password_from_key": Limit(20, 3600),
}


class AccountWriteLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        name = (match.url_name or "") if match is not None else ""
        limit = ACCOUNT_LIMITS.get(name)
        if request.method != "POST" or limit is None:
            return None
        keys = [f"net:{ip_network(client_ip(request))}"]
        email = request.POST.get("login") or request.POST.get("email") or ""
        if email and name != "account_signup":
            keys.append(f"email:{email.strip().lower()[:254]}")
        if hit(f"accounts.{name}", keys, limit):
            return None
        response = HttpResponse(render_to_string("moderation/too_many.html", request=request), status=429)
        response["Retry-After"] = str(limit.seconds)
        return response
