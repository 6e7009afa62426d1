"""Sessions whose one read brings the signed-in account (masthead.accounts.sessions), and
Django's checks on that account, which must all still hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.accounts.middleware import get_user
from masthead.accounts.models import Session
from masthead.accounts.selectors import has_verified_email
from masthead.accounts.sessions import SessionStore


def _signed_in(client, user) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.cookies["sessionid"].value


def _request_for(key: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=key)
    return request


def test_the_session_store_reads_live_sessions_only(db) -> None:  # type: ignore[no-untyped-def]
    store = SessionStore()
    store["reader"] = "χρηστος"
    store.save()
    key = store.session_key
    assert SessionStore(session_key=key)["reader"] == "χρηστος"
    assert Session.objects.get(session_key=key).user_id is None  # nobody signed in
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(session_key=key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key on the next save, as Django's store does
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.loaded_user is None


def test_signing_in_keeps_the_account_in_the_session_row(client, commenter) -> None:  # type: ignore[no-untyped-def]
    key = _signed_in(client, commenter)
    assert Session.objects.get(session_key=key).user_id == commenter.pk
    client.logout()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_signed_in_request_reads_its_session_and_account_in_one_query(client, commenter, reader) -> None:  # type: ignore[no-untyped-def]
    EmailAddress.objects.filter(user=reader).update(verified=False)
    for user, verified in [(commenter, True), (reader, False)]:
        request = _request_for(_signed_in(client, user))
        with CaptureQueriesContext(connection) as queries:
            found = get_user(request)
            assert has_verified_email(found) is verified
        assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
        assert found == user and found.is_authenticated
        for field in type(user)._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(user, field.attname), field.name


def test_the_account_is_read_again_when_the_row_does_not_name_it(client, commenter) -> None:  # type: ignore[no-untyped-def]
    # A row written before the column existed, or by another store: Django's two reads.
    key = _signed_in(client, commenter)
    Session.objects.filter(session_key=key).update(user=None)
    with CaptureQueriesContext(connection) as queries:
        assert get_user(_request_for(key)) == commenter
    assert len(queries) == 2


def test_a_changed_password_still_signs_the_session_out(client, commenter) -> None:  # type: ignore[no-untyped-def]
    key = _signed_in(client, commenter)
    commenter.set_password("a new one, 43")
    commenter.save()
    request = _request_for(key)
    assert not get_user(request).is_authenticated
    assert SESSION_KEY not in request.session  # flushed, as Django does


def test_an_inactive_account_is_not_signed_in(client, commenter) -> None:  # type: ignore[no-untyped-def]
    key = _signed_in(client, commenter)
    type(commenter).objects.filter(pk=commenter.pk).update(is_active=False)
    assert not get_user(_request_for(key)).is_authenticated


def test_an_account_gone_takes_its_sessions_or_reads_as_nobody(client, commenter, reader) -> None:  # type: ignore[no-untyped-def]
    key = _signed_in(client, commenter)
    commenter.delete()
    assert not Session.objects.filter(session_key=key).exists()
    # Gone without the ORM (no cascade): the row stays, and names nobody who exists.
    key = _signed_in(client, reader)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM account_emailaddress WHERE user_id = %s", [reader.pk])
        cursor.execute(f"DELETE FROM {type(reader)._meta.db_table} WHERE id = %s", [reader.pk])
    assert not get_user(_request_for(key)).is_authenticated


def test_a_session_for_the_wrong_account_is_not_taken(client, commenter, reader) -> None:  # type: ignore[no-untyped-def]
    # The column and the data disagree (hand-edited rows): the data's account is read.
    key = _signed_in(client, commenter)
    Session.objects.filter(session_key=key).update(user=reader)
    assert get_user(_request_for(key)) == commenter


def test_the_migration_moves_live_sessions_from_django_s_table(commenter) -> None:  # type: ignore[no-untyped-def]
    from importlib import import_module

    migration = import_module("masthead.accounts.migrations.0002_session")
    store = SessionStore()
    now = timezone.now()
    DjangoSession.objects.create(
        session_key="signedin" + "a" * 24,
        session_data=store.encode({SESSION_KEY: str(commenter.pk)}),
        expire_date=now + timedelta(days=1),
    )
    DjangoSession.objects.create(
        session_key="guest" + "b" * 27,
        session_data=store.encode({"x": 1}),
        expire_date=now + timedelta(days=1),
    )
    DjangoSession.objects.create(
        session_key="stale" + "c" * 27, session_data=store.encode({}), expire_date=now - timedelta(days=1)
    )
    migration.move_sessions(apps, None)
    moved = dict(Session.objects.values_list("session_key", "user_id"))
    assert moved == {"signedin" + "a" * 24: commenter.pk, "guest" + "b" * 27: None}
    assert not DjangoSession.objects.exists()
    migration.move_sessions(apps, None)  # a second run changes nothing
    assert dict(Session.objects.values_list("session_key", "user_id")) == moved
    migration.move_sessions_back(apps, None)
    assert set(DjangoSession.objects.values_list("session_key", flat=True)) == set(moved)


@pytest.mark.django_db
def test_a_signed_in_page_works_end_to_end(client, commenter) -> None:  # type: ignore[no-untyped-def]
    client.force_login(commenter)
    response = client.get("/accounts/email/")
    assert response.status_code == 200
    assert commenter.email in response.content.decode()


def test_expired_sessions_are_deleted_by_a_periodic_job(client, commenter) -> None:  # type: ignore[no-untyped-def]
    from masthead.core import periodic

    jobs = {job.name: job for job in periodic.jobs()}
    assert "accounts.sessions_expired" in jobs
    live = _signed_in(client, commenter)
    stale = SessionStore()
    stale["reader"] = "gone"
    stale.save()
    Session.objects.filter(session_key=stale.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    jobs["accounts.sessions_expired"].function()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    jobs["accounts.sessions_expired"].function()  # nothing more to delete
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
