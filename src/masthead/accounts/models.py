from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

# Set on a user loaded for a request: whether one of its addresses is verified.
VERIFIED_EMAIL_ATTR = "_masthead_verified_email"

# The account a request's session row brought with it (masthead.accounts.sessions), offered
# to authentication's lookup by primary key while it runs (masthead.accounts.middleware).
_session_user: ContextVar[Any] = ContextVar("masthead_session_user", default=None)


@contextmanager
def session_user(user: Any) -> Iterator[None]:
    """While this runs, ``User.objects.get(pk=...)`` of ``user``'s key returns ``user``."""
    token = _session_user.set(user)
    try:
        yield
    finally:
        _session_user.reset(token)


def user_fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


class UserManager(DjangoUserManager):
    """Accounts are identified by email; there is no username."""

    use_in_migrations = True

    def get(self, *args: Any, **kwargs: Any) -> Any:
        # Every signed-in request loads its user by primary key (Django's ModelBackend):
        # that lookup skips the ORM's query compilation (masthead.core.rows), 6% of a post's
        # CPU. Any other lookup is the ORM's.
        # Whether the account has a verified address comes in the same query: every write a
        # reader makes asks it (``masthead.accounts.selectors.has_verified_email``).
        if not args and self._db is None and len(kwargs) == 1 and ("pk" in kwargs or "id" in kwargs):
            from allauth.account.models import EmailAddress

            from masthead.core import rows

            key = kwargs.get("pk", kwargs.get("id"))
            known = _session_user.get()
            if known is not None and str(known.pk) == str(key):
                return known
            user = rows.first(
                self.model,
                fields=user_fields(self.model),
                where=("id",),
                params=[key],
                also_exists=(VERIFIED_EMAIL_ATTR, EmailAddress, "user", {"verified": True}),
            )
            if user is None:
                raise self.model.DoesNotExist(
                    f"{self.model._meta.object_name} matching query does not exist."
                )
            return user
        return super().get(*args, **kwargs)

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:  # type: ignore[override]
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user  # type: ignore[return-value]

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A reader, commenter, donor or member of staff."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    # Shown beside comments; any script is welcome ("χρηστος" is a name).
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email.split("@", 1)[0]


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in account as a column of its own.

    The account being a column lets the session's one read bring the account with it (a
    join), where Django's session reads the row and then the account; and it lets an account's
    sessions be found, and go when the account does.
    """

    # No database constraint: a session is saved whatever its data says (an account deleted
    # meanwhile reads as no account, and Django then signs the session out); deleting an
    # account through the ORM still deletes its sessions.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from masthead.accounts.sessions import SessionStore

        return SessionStore
