"""masthead.core.rows: written-out reads give what the ORM gives, in one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.core import rows
from masthead.core.rows import writes
from masthead.discussion.models import Thread
from masthead.moderation.models import ScreeningRecord
from tests.discussion.conftest import make_plain_page

THREAD_FIELDS = [field.attname for field in Thread._meta.concrete_fields]


@pytest.fixture
def page_thread(db):  # type: ignore[no-untyped-def]
    page = make_plain_page("Rows and columns")
    closes = timezone.now() + timedelta(days=3)
    return Thread.objects.create(page=page, title="Rows and columns", closes_at=closes)


def test_a_row_and_its_joined_foreign_key_match_the_orm(page_thread) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        found = rows.first(
            Thread,
            fields=THREAD_FIELDS,
            where=("id",),
            params=[page_thread.pk],
            related=("page", ("id", "path")),
        )
        assert found is not None
        page = found.page
    assert len(queries) == 1
    expected = Thread.objects.select_related("page").get(pk=page_thread.pk)
    for name in THREAD_FIELDS:
        assert getattr(found, name) == getattr(expected, name), name
    assert found.closes_at is not None and timezone.is_aware(found.closes_at)
    assert (page.pk, page.path) == (expected.page.pk, expected.page.path)
    assert not found._state.adding and found._state.db == "default"
    # What was not selected loads on first use, as with only().
    assert page.title == "Rows and columns"


def test_a_null_foreign_key_joins_nothing(db) -> None:  # type: ignore[no-untyped-def]
    external = Thread.objects.create(url="https://site.example/a/", title="Elsewhere")
    found = rows.first(
        Thread, fields=THREAD_FIELDS, where=("id",), params=[external.pk], related=("page", ("id", "path"))
    )
    assert found is not None
    with CaptureQueriesContext(connection) as queries:
        assert found.page is None
    assert len(queries) == 0
    assert rows.first(Thread, fields=THREAD_FIELDS, where=("id",), params=[external.pk + 1000]) is None


def test_comparisons_and_booleans(commenter) -> None:  # type: ignore[no-untyped-def]
    record = ScreeningRecord.objects.create(
        content_type_id=1, object_id="1", author=commenter, verdict="publish", fingerprint="abc"
    )
    at = ScreeningRecord.objects.get(pk=record.pk).created_at
    where = ("author", "fingerprint", "created_at>=")
    for since, fingerprint in [
        (at, "abc"),
        (at - timedelta(seconds=1), "abc"),
        (at + timedelta(microseconds=1), "abc"),
        (at, "abd"),
    ]:
        expected = ScreeningRecord.objects.filter(
            author=commenter, fingerprint=fingerprint, created_at__gte=since
        ).exists()
        assert (
            rows.exists(ScreeningRecord, where=where, params=[commenter.pk, fingerprint, since]) is expected
        )
        assert expected is (fingerprint == "abc" and since <= at)
    assert rows.exists(EmailAddress, where=("user", "verified"), params=[commenter.pk, True])
    EmailAddress.objects.filter(user=commenter).update(verified=False)
    assert not rows.exists(EmailAddress, where=("user", "verified"), params=[commenter.pk, True])
    assert rows.exists(EmailAddress, where=("user", "verified"), params=[commenter.pk, False])


def test_a_user_by_primary_key_is_the_orm_s_user(commenter) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with CaptureQueriesContext(connection) as queries:
        found = User.objects.get(pk=str(commenter.pk))  # as a session stores it
    assert len(queries) == 1
    expected = User.objects.get_queryset().get(pk=commenter.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found == expected and found.check_password("correct horse 42")
    assert User.objects.get(id=commenter.pk) == expected
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=commenter.pk + 1000)
    # Other lookups are the ORM's.
    assert User.objects.get(email=commenter.email) == expected


def test_a_user_by_primary_key_says_whether_an_address_is_verified(commenter, reader) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from masthead.accounts.selectors import has_verified_email

    User = get_user_model()
    EmailAddress.objects.filter(user=reader).update(verified=False)
    with CaptureQueriesContext(connection) as queries:
        verified, unverified = User.objects.get(pk=commenter.pk), User.objects.get(pk=reader.pk)
        assert has_verified_email(verified) is True
        assert has_verified_email(unverified) is False
    assert len(queries) == 2
    # A user loaded any other way is asked the database.
    other = User.objects.get(email=reader.email)
    with CaptureQueriesContext(connection) as queries:
        assert has_verified_email(other) is False
    assert len(queries) == 1
    EmailAddress.objects.filter(user=reader).update(verified=True)
    assert has_verified_email(User.objects.get(pk=reader.pk)) is True


def test_also_exists_asks_about_a_related_row_in_the_same_query(commenter) -> None:  # type: ignore[no-untyped-def]
    from masthead.moderation import selectors
    from masthead.moderation.models import Standing

    Standing.objects.create(user=commenter, approved_count=3, recent="aaa")
    ScreeningRecord.objects.create(
        content_type_id=1, object_id="1", author=commenter, verdict="publish", fingerprint="abc"
    )
    at = ScreeningRecord.objects.get(fingerprint="abc").created_at
    for fingerprint, since, expected in [
        ("abc", at, True),
        ("abc", at + timedelta(microseconds=1), False),
        ("abd", at - timedelta(hours=1), False),
    ]:
        with CaptureQueriesContext(connection) as queries:
            standing, repeated = selectors.standing_and_repeat(
                commenter, fingerprint=fingerprint, since=since
            )
        assert len(queries) == 1
        assert (standing.approved_count, standing.recent, repeated) == (3, "aaa", expected)


def test_without_a_standing_the_repeat_is_unknown(reader) -> None:  # type: ignore[no-untyped-def]
    from masthead.moderation import selectors

    standing, repeated = selectors.standing_and_repeat(reader, fingerprint="abc", since=timezone.now())
    assert standing._state.adding and standing.approved_count == 0 and repeated is None


def test_a_keyed_row_and_an_unlinked_exists_come_with_the_row(page_thread, commenter, reader) -> None:  # type: ignore[no-untyped-def]
    from masthead.moderation.models import Standing

    standing_fields = [field.attname for field in Standing._meta.concrete_fields]
    Standing.objects.create(user=commenter, approved_count=4, recent="aaar")
    ScreeningRecord.objects.create(
        content_type_id=1, object_id="1", author=commenter, verdict="publish", fingerprint="abc"
    )
    at = ScreeningRecord.objects.get(fingerprint="abc").created_at
    for user, fingerprint, since, expected in [
        (commenter, "abc", at, (4, "aaar", True)),
        (commenter, "abc", at + timedelta(microseconds=1), (4, "aaar", False)),
        (commenter, "abd", at - timedelta(hours=1), (4, "aaar", False)),
        # No standing row: the join finds nothing, and the question is still answered.
        (reader, "abc", at, (None, None, False)),
    ]:
        with CaptureQueriesContext(connection) as queries:
            found = rows.first(
                Thread,
                fields=THREAD_FIELDS,
                where=("id",),
                params=[page_thread.pk],
                related=("page", ("id", "path")),
                keyed_row=("standing", Standing, "user", standing_fields, user.pk),
                also_exists=(
                    "repeated",
                    ScreeningRecord,
                    None,
                    {"author": user.pk, "fingerprint": fingerprint, "created_at>=": since},
                ),
            )
            assert found is not None
            assert (found.pk, found.page.pk) == (page_thread.pk, page_thread.page_id)
        assert len(queries) == 1
        standing = found.standing
        got = (standing.approved_count, standing.recent) if standing is not None else (None, None)
        assert (*got, found.repeated) == expected
        assert standing is None or not standing._state.adding
    assert (
        rows.first(
            Thread,
            fields=THREAD_FIELDS,
            where=("id",),
            params=[page_thread.pk + 1000],
            keyed_row=("standing", Standing, "user", standing_fields, commenter.pk),
        )
        is None
    )


def _stored(model, pk):  # type: ignore[no-untyped-def]
    found = model.objects.get(pk=pk)
    return {field.attname: getattr(found, field.attname) for field in model._meta.concrete_fields}


def test_an_insert_stores_what_save_stores(commenter, page_thread) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import signals

    from masthead.discussion.models import Comment

    def values(**extra):  # type: ignore[no-untyped-def]
        return {
            "thread": page_thread,
            "author": commenter,
            "depth": 0,
            "ancestors": "",
            "sibling_rank": 1,
            "in_preview": True,
            "body_source": "Ἀθῆναι, *quoted* \"text\" and 'marks'",
            "body_html": "<p>Ἀθῆναι</p>",
            "status": "visible",
            "moderation_reasons": ["Links from new commenters", "ü"],
            "created_at": timezone.now(),
            "status_changed_at": timezone.now(),
            **extra,
        }

    seen: list[tuple[str, bool]] = []

    def pre(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("pre", instance.pk is None))

    def post(sender, instance, created, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(("post", created and instance.pk is not None))

    signals.pre_save.connect(pre, sender=Comment)
    signals.post_save.connect(post, sender=Comment)
    try:
        saved = Comment(**values())
        saved.save()
        with CaptureQueriesContext(connection) as queries:
            inserted = rows.insert(Comment(**values()))
    finally:
        signals.pre_save.disconnect(pre, sender=Comment)
        signals.post_save.disconnect(post, sender=Comment)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert seen == [("pre", True), ("post", True)] * 2
    assert inserted.pk and inserted.pk != saved.pk
    assert not inserted._state.adding and inserted._state.db == "default"
    ours, theirs = _stored(Comment, inserted.pk), _stored(Comment, saved.pk)
    for name in ("id", "created_at", "status_changed_at"):
        ours.pop(name), theirs.pop(name)
    assert ours == theirs
    # A second comment with the same form token is refused by the database, as with save().
    from django.db import IntegrityError, transaction

    rows.insert(Comment(**values(client_token="once")))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(Comment(**values(client_token="once")))


def test_an_insert_fills_auto_now_add_and_defaults_and_takes_a_given_key(commenter) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import Value
    from django.db.models.functions import Concat

    record = rows.insert(
        ScreeningRecord(content_type_id=1, object_id=7, author=commenter, verdict="hold", reasons=["ü"])
    )
    stored = ScreeningRecord.objects.get(pk=record.pk)
    assert stored.created_at is not None and stored.created_at == record.created_at
    assert (stored.codes, stored.reasons, stored.edited, stored.score) == ([], ["ü"], False, None)
    given = rows.insert(ScreeningRecord(pk=record.pk + 50, content_type_id=1, object_id=8, verdict="publish"))
    assert given.pk == record.pk + 50 and ScreeningRecord.objects.filter(pk=record.pk + 50).exists()
    # An expression as a value goes through the ORM's compiler.
    expressed = rows.insert(
        ScreeningRecord(
            content_type_id=1, object_id=10, verdict="publish", fingerprint=Concat(Value("a"), Value("b"))
        )
    )
    assert ScreeningRecord.objects.get(pk=expressed.pk).fingerprint == "ab"


def _then_statements() -> list[rows.Statement]:
    """Point the screening record made with object_id 999999 at the one ``insert_then`` inserts."""
    quote = connection.ops.quote_name
    table = quote(ScreeningRecord._meta.db_table)
    sql = f"UPDATE {table} SET {quote('object_id')} = %s WHERE {quote('object_id')} = %s"
    return [rows.Statement(sql, [rows.NEW_KEY, 999_999])]


def _records_then(after: list[str] | None = None, **extra):  # type: ignore[no-untyped-def]
    """A screening record inserted with ``rows.insert_then``; its follower (object_id 999999,
    inserted before) is pointed at the new record's key."""
    rows.insert(ScreeningRecord(content_type_id=1, object_id=999_999, verdict="hold"))
    new = ScreeningRecord(content_type_id=1, object_id=5, verdict="publish", **extra)
    with CaptureQueriesContext(connection) as queries:
        rows.insert_then(
            new, _then_statements(), after=(lambda: after.append("after")) if after is not None else None
        )
    return new, queries


def test_insert_then_binds_the_new_key_and_calls_after(db) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    new, queries = _records_then(after=seen)
    assert new.pk and not new._state.adding
    assert ScreeningRecord.objects.filter(object_id=new.pk, verdict="hold").count() == 1
    assert seen == ["after"]
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        # One statement: the insert and the update as clauses of one WITH.
        assert len(statements) == 1 and statements[0].startswith('WITH "new" AS (INSERT')
    else:
        assert len(statements) == 2


@pytest.mark.django_db(transaction=True)
def test_insert_then_is_all_or_nothing_outside_a_transaction() -> None:
    from django.db import IntegrityError

    kept = rows.insert(ScreeningRecord(content_type_id=1, object_id=999_999, verdict="hold"))
    quote = connection.ops.quote_name
    # The statement after the insert fails: object ids must be positive.
    failing = rows.Statement(
        f"UPDATE {quote(ScreeningRecord._meta.db_table)} SET {quote('object_id')} = %s WHERE {quote('id')} = %s",
        [-1, kept.pk],
    )
    with pytest.raises(IntegrityError):
        rows.insert_then(ScreeningRecord(content_type_id=1, object_id=5, verdict="publish"), [failing])
    # Nothing of it stayed, and the connection is usable (no transaction left open or broken).
    assert list(ScreeningRecord.objects.values_list("pk", "object_id")) == [(kept.pk, 999_999)]
    assert connection.get_autocommit() and not connection.in_atomic_block


def test_a_statement_must_bind_every_placeholder() -> None:
    with pytest.raises(ValueError, match="placeholders"):
        writes._bind_new_key(rows.Statement("UPDATE t SET a = %s WHERE b = %s", [1]), "(SELECT 1)")
    sql, params = writes._bind_new_key(
        rows.Statement("UPDATE t SET a = %s WHERE b = %s", [rows.NEW_KEY, 2]), "K"
    )
    assert (sql, params) == ("UPDATE t SET a = K WHERE b = %s", [2])
