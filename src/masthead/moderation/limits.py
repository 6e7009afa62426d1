"""Rate limits on the writes readers make through moderation (per account and per IP network)."""

from __future__ import annotations

from django.http import HttpRequest

from masthead.core.ratelimit import Limit, hit, request_keys

LIMITS = {
    "moderation.report": Limit(20, 3600),
    "moderation.appeal": Limit(5, 3600),
    "moderation.export": Limit(10, 3600),
    # Also slows password guessing through the deletion form.
    "moderation.delete_account": Limit(5, 3600),
}


def allowed(request: HttpRequest, scope: str) -> bool:
    """Count this request against ``scope``; False when the reader is over the limit."""
    return hit(scope, request_keys(request), LIMITS[scope])
