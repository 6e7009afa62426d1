"""The JSON API per role, with JSON errors and never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from masthead.discussion import services
from masthead.discussion.models import Comment, CommentStatus

BASE = "/api/discussion"


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=False)


def _json(response):
    return json.loads(response.content)


def test_openapi_schema_is_served(client, db):
    schema = _json(client.get(f"{BASE}/openapi.json"))
    assert schema["info"]["title"] == "Masthead discussion API"
    assert "/api/discussion/threads/{thread_id}/comments" in schema["paths"]


def test_anonymous_reads_a_page_with_nested_replies(client, thread, post, reader, commenter):
    root = post(reader, "API root.")
    reply = post(commenter, "API reply.", parent=root)
    data = _json(client.get(f"{BASE}/threads/{thread.pk}/comments", {"sort": "newest"}))
    assert data["comment_count"] == 2
    assert data["comments"][0]["id"] == root.pk
    assert data["comments"][0]["replies"][0]["id"] == reply.pk
    assert data["comments"][0]["replies"][0]["author"] == "χρηστος"


def test_bad_cursor_and_unknown_ids_are_json_4xx(client, thread):
    response = client.get(f"{BASE}/threads/{thread.pk}/comments", {"sort": "best", "cursor": "nope"})
    assert response.status_code == 400 and "cursor" in _json(response)["detail"]
    assert client.get(f"{BASE}/threads/999999/comments").status_code == 404
    assert _json(client.get(f"{BASE}/comments/999999"))["detail"] == "Not found."


def test_anonymous_cannot_write(client, thread, post, reader):
    comment = post(reader, "Anonymous tries.")
    assert (
        client.post(
            f"{BASE}/threads/{thread.pk}/comments", {"body": "x"}, content_type="application/json"
        ).status_code
        == 401
    )
    assert (
        client.put(
            f"{BASE}/comments/{comment.pk}/vote", {"value": 1}, content_type="application/json"
        ).status_code
        == 401
    )
    assert client.delete(f"{BASE}/comments/{comment.pk}").status_code == 401


def test_reader_posts_with_idempotency_key_and_replies(client, thread, reader):
    client.force_login(reader)
    url = f"{BASE}/threads/{thread.pk}/comments"
    first = client.post(
        url, {"body": "Via the API."}, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    again = client.post(
        url, {"body": "Via the API."}, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    assert first.status_code == 201 and _json(first)["id"] == _json(again)["id"]
    # The answer is built without ninja's validation: it must be what the schema says.
    from masthead.discussion.api import CommentOut

    validated = json.loads(CommentOut.model_validate(_json(first)).model_dump_json())
    assert _json(first) == validated | {"created_at": _json(first)["created_at"]}
    assert set(_json(first)) == set(CommentOut.model_fields)
    reply = client.post(
        url, {"body": "Answering myself.", "parent_id": _json(first)["id"]}, content_type="application/json"
    )
    assert _json(reply)["parent_id"] == _json(first)["id"] and _json(reply)["depth"] == 1
    assert Comment.objects.count() == 2
    bad = client.post(url, {"body": "   "}, content_type="application/json")
    assert bad.status_code in (400, 422) and _json(bad)["detail"]
    assert client.post(url, "not json", content_type="application/json").status_code in (400, 422)


def test_author_edits_and_deletes_others_are_refused(client, post, reader, commenter):
    comment = post(reader, "API edit target.")
    client.force_login(commenter)
    response = client.patch(
        f"{BASE}/comments/{comment.pk}", {"body": "Hijack"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.delete(f"{BASE}/comments/{comment.pk}").status_code == 403
    voted = client.put(f"{BASE}/comments/{comment.pk}/vote", {"value": 1}, content_type="application/json")
    assert _json(voted) == {"upvotes": 1, "downvotes": 0, "my_vote": 1}
    client.force_login(reader)
    assert (
        client.put(
            f"{BASE}/comments/{comment.pk}/vote", {"value": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    edited = client.patch(
        f"{BASE}/comments/{comment.pk}", {"body": "Fixed *typo*"}, content_type="application/json"
    )
    assert _json(edited)["html"] == "<p>Fixed <em>typo</em></p>" and _json(edited)["edited_at"]
    deleted = client.delete(f"{BASE}/comments/{comment.pk}")
    assert _json(deleted)["status"] == CommentStatus.DELETED


def test_editor_sees_removed_comment_reader_does_not(client, post, reader, commenter, editor):
    comment = post(reader, "Removed via moderation.")
    services.comment_set_status(comment=comment, status=CommentStatus.REMOVED, actor=editor, reason="Spam")
    client.force_login(commenter)
    assert client.get(f"{BASE}/comments/{comment.pk}").status_code == 404
    client.force_login(editor)
    assert _json(client.get(f"{BASE}/comments/{comment.pk}"))["focus_id"] == comment.pk


def test_posting_is_rate_limited(client, thread, reader, monkeypatch):
    import time

    from masthead.core import ratelimit

    # One fixed window for the whole test, however slow the machine.
    now = time.time()
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    client.force_login(reader)
    url = f"{BASE}/threads/{thread.pk}/comments"
    codes = [
        client.post(
            url, {"body": f"Flood number {n} of the API."}, content_type="application/json"
        ).status_code
        for n in range(12)
    ]
    assert codes[:10] == [201] * 10 and codes[-1] == 429


def _data_queries(captured) -> list[str]:  # type: ignore[no-untyped-def]
    # The cache and the rate-limit counts are tables without Redis and in Redis with it:
    # count the database's own work.
    return [
        q["sql"]
        for q in captured.captured_queries
        if "masthead_cache" not in q["sql"] and "core_ratecount" not in q["sql"]
    ]


@pytest.mark.parametrize(("hold_first", "status"), [(1, "pending"), (0, "visible")])
def test_posting_a_comment_costs_a_fixed_few_queries(
    client, thread, reader, settings, hold_first, status
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MODERATION_MODE = "trust"
    settings.MODERATION_NEW_COMMENTER_HOLD = hold_first
    client.force_login(reader)
    url = f"{BASE}/threads/{thread.pk}/comments"
    client.post(url, {"body": "Warming the caches up."}, content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"body": "Counting what a post costs."}, content_type="application/json")
    assert response.status_code == 201 and _json(response)["status"] == status
    queries = _data_queries(captured)
    # Reads: the session (with its user), the thread with its author's standing and repeat check. Writes,
    # between the savepoint and its release (the test's transaction is open; in production a
    # BEGIN and COMMIT): the comment, its screening record, the standing, the thread.
    # A published top-level comment on PostgreSQL is all of these writes in one statement,
    # and in production (no transaction open) needs neither BEGIN nor COMMIT.
    one_statement = status == "visible" and connection.vendor == "postgresql"
    # A held comment writes no standing and no thread counts, but an audit event.
    expected = 5 if one_statement else (8 if status == "visible" else 7)
    assert len(queries) == expected, "\n".join(queries)
    assert 'LEFT OUTER JOIN "moderation_standing"' in queries[1], "\n".join(queries)
    if one_statement:
        write = queries[-2]
        assert write.startswith('WITH "new" AS (INSERT INTO "discussion_comment"')
        assert 'INSERT INTO "moderation_screeningrecord"' in write
        # The hot thread row is locked by the statement's last clause.
        assert write.index('UPDATE "discussion_thread"') > write.index('INSERT INTO "moderation_standing"')
        return
    # The hot thread row is locked by the last statement before the commit, if at all.
    thread_updates = [n for n, sql in enumerate(queries) if sql.startswith('UPDATE "discussion_thread"')]
    assert thread_updates == ([] if status == "pending" else [len(queries) - 2])


def test_posting_a_reply_costs_a_fixed_few_queries(client, thread, reader, settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MODERATION_MODE = "trust"
    settings.MODERATION_NEW_COMMENTER_HOLD = 0
    client.force_login(reader)
    url = f"{BASE}/threads/{thread.pk}/comments"
    top = _json(client.post(url, {"body": "A view to reply to."}, content_type="application/json"))
    middle = _json(
        client.post(url, {"body": "A first reply.", "parent_id": top["id"]}, content_type="application/json")
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url,
            {"body": "Counting what a reply costs.", "parent_id": middle["id"]},
            content_type="application/json",
        )
    assert response.status_code == 201 and _json(response)["depth"] == 2
    queries = [q for q in _data_queries(captured) if not q.startswith(("SAVEPOINT", "RELEASE"))]
    # Reads: the session (with its user), the thread (with the standing), the parent. Writes: the parent's
    # counts (which rank the reply and lock the parent), then the comment, its screening
    # record, the standing, the root's subtree and the thread: on PostgreSQL in one statement.
    reads = [q for q in queries if q.startswith("SELECT")]
    writes = [q for q in queries if not q.startswith("SELECT")]
    assert len(reads) == 3, "\n".join(queries)
    assert writes[0].startswith('UPDATE "discussion_comment" SET "replies_total"')
    assert len(writes) == (2 if connection.vendor == "postgresql" else 6), "\n".join(writes)


def test_anonymous_page_is_serialised_once_per_change(
    client, thread, post, reader, commenter, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{BASE}/threads/{thread.pk}/comments"
    post(reader, "Kept once.")
    first = client.get(url)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)
    assert second.content == first.content and second["Content-Type"].startswith("application/json")
    assert not [query for query in captured.captured_queries if "discussion_comment" in query["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        post(commenter, "Seen at once.")
    assert [c["html"] for c in _json(client.get(url))["comments"]] == [
        "<p>Kept once.</p>",
        "<p>Seen at once.</p>",
    ]
    # A signed-in reader's page is their own (their votes, their held comments): never the shared copy.
    client.force_login(reader)
    assert _json(client.get(url))["comment_count"] == 2
