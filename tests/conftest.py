"""Shared fixtures: personas, a real SMTP server, a real browser, service markers.

Personas are the people the permission matrix is about: ``reader`` (signed in, verified),
``commenter`` (a reader who has commented before), ``moderator``, ``editor``, ``admin``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.smtp import SMTPServer

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told it is safe (it is: the loop only waits on the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

OUTPUT_DIR = Path(os.environ.get("MASTHEAD_TEST_OUTPUT", "test-output")).resolve()
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Service-bound tests are skipped, visibly and with the reason, when the service is absent."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(os.environ.get("REDIS_URL"))
    has_chromium = Path(CHROMIUM).exists()
    for item in items:
        _restore_migrated_rows_after(item)
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://…"))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(
                pytest.mark.skip(reason=f"needs chromium at {CHROMIUM} (apt-get install chromium)")
            )


def _restore_migrated_rows_after(item: pytest.Item) -> None:
    """Transactional tests (live server, threads) end by flushing every table, which also
    drops the rows data migrations made (Wagtail's locale and root page, our groups). Give
    them serialized rollback so the next test finds the database as migrations left it."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or "live_server" in fixtures or "transactional_db" in fixtures:
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):  # type: ignore[no-untyped-def]
    """Keep the serialized copy of the migrated database reachable from every connection.

    Django keeps it on the connection object, but connections are per context: once
    Playwright's event loop runs in the test thread, a test can get a fresh connection
    without it, and then its flush silently drops every row data migrations made.
    """
    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    contents = getattr(connections["default"], "_test_serialized_contents", None)
    if contents is not None:
        BaseDatabaseWrapper._test_serialized_contents = contents  # type: ignore[attr-defined]
    yield


@pytest.fixture(autouse=True)
def _clear_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty cache (rate-limit counters, cached pages).

    The database cache lives in the test database, so a test in a rolled-back transaction
    cannot leak into the next; Redis and flushed (transactional) databases need clearing.
    """
    from django.core.cache import cache

    from masthead.moderation.selectors import forget_screening_reads

    forget_screening_reads()  # the process's copy of screening's cached values goes with them
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if os.environ.get("REDIS_URL") and not uses_db:
        cache.clear()
    elif uses_db:
        request.getfixturevalue(sorted(uses_db)[-1] if "live_server" not in uses_db else "live_server")
        cache.clear()
    yield


@pytest.fixture
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


def _make_user(django_user_model, email: str, name: str, **extra):  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        email=email, password="correct horse 42", display_name=name, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def reader(db, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "reader@example.org", "Rea Der")


@pytest.fixture
def commenter(db, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "commenter@example.org", "χρηστος")


@pytest.fixture
def moderator(db, django_user_model):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    user = _make_user(django_user_model, "moderator@example.org", "Mod Erator", is_staff=True)
    group = Group.objects.filter(name="Moderators").first()
    if group:
        user.groups.add(group)
    return user


@pytest.fixture
def editor(db, django_user_model):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    user = _make_user(django_user_model, "editor@example.org", "Ed Itor", is_staff=True)
    group = Group.objects.filter(name="Editors").first()
    if group:
        user.groups.add(group)
    return user


@pytest.fixture
def admin_user(db, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "admin@example.org", "Ad Min", is_staff=True, is_superuser=True)


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's SMTP backend delivers to it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium, driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page_nojs(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
