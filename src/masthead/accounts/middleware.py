"""Django's authentication middleware, given the account the session's read brought along."""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from masthead.accounts.models import session_user


def get_user(request: HttpRequest) -> Any:
    """``request.user``: Django's ``auth.get_user`` (backend, active flag and session hash
    checked as always), with the account read by the session's own query where it has one
    (``masthead.accounts.sessions``), so that no second query reads it."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # loads the session, and the account with it
        with session_user(getattr(session, "loaded_user", None)):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
