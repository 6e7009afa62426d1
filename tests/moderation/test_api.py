"""The moderation JSON API: queues, decisions, screening, reports; errors are JSON 4xx."""

from __future__ import annotations

import json

import pytest

from masthead.moderation.models import Phrase


def _post(client, path, payload):  # type: ignore[no-untyped-def]
    return client.post(f"/api/moderation{path}", data=json.dumps(payload), content_type="application/json")


@pytest.fixture
def held(post, commenter, no_model):  # type: ignore[no-untyped-def]
    return [post(commenter, f"Held number {n}.") for n in range(2)]


def test_queue_lists_items_with_reasons_and_history(client, moderator, held, article) -> None:
    client.force_login(moderator)
    body = client.get("/api/moderation/queue").json()
    assert (body["queue"], body["page"], body["has_next"]) == ("pending", 1, False)
    first = body["items"][0]
    assert first["object_id"] == held[0].pk
    assert first["text"] == "Held number 0."
    assert first["article_id"] == article.pk
    assert first["screening_reasons"] == ["A new commenter's first comments are reviewed"]
    assert first["history"] == {"pending": 2}
    assert first["link"].endswith(f"#comment-{held[0].pk}")


def test_decisions_in_bulk_and_their_errors(client, moderator, held) -> None:
    client.force_login(moderator)
    response = _post(client, "/decisions", {"ids": [held[0].pk, held[1].pk, 424242], "decision": "approve"})
    assert response.json() == {"done": 2, "errors": ["424242: No comment 424242"]}
    response = _post(client, "/decisions", {"ids": [held[0].pk], "decision": "remove"})
    assert response.json()["errors"] == [f"{held[0].pk}: Say why: the author is shown the reason."]
    assert _post(client, "/decisions", {"ids": [], "decision": "approve"}).status_code == 400
    assert (
        _post(client, "/decisions", {"ids": [1], "decision": "explode"})
        .json()["detail"]
        .startswith("Unknown decision")
    )
    assert _post(client, "/decisions", {"key": "vote", "ids": [1], "decision": "approve"}).status_code == 404
    assert _post(client, "/decisions", {"ids": "nope"}).status_code == 422
    assert client.get("/api/moderation/queue?queue=everything").status_code == 400


def test_screen_endpoint_screens_without_saving(client, moderator, no_model) -> None:
    Phrase.objects.create(text="vermin", normalised="vermin", kind="banned")
    client.force_login(moderator)
    body = _post(client, "/screen", {"text": "Those v e r m i n again"}).json()
    assert body == {
        "verdict": "reject",
        "reasons": ["This comment contains language this site does not allow."],
        "codes": ["banned_phrase"],
        "score": None,
    }
    assert _post(client, "/screen", {"text": "x", "article_id": 987654}).status_code == 404


def test_report_validation_errors_are_json(client, reader, post, commenter, trusted, no_model) -> None:
    comment = post(commenter, "Visible.")
    client.force_login(reader)
    assert _post(client, "/reports", {"object_id": comment.pk, "reason": "boring"}).json() == {
        "detail": "Choose a reason for the report."
    }
    assert _post(client, "/reports", {"object_id": 999999, "reason": "spam"}).status_code == 404
    assert _post(client, "/reports", {"object_id": comment.pk, "reason": "spam"}).json()["created"] is True
    assert _post(client, "/reports", {"object_id": comment.pk, "reason": "spam"}).status_code == 200


def test_writes_need_the_csrf_token(reader, post, commenter, trusted, no_model) -> None:
    from django.test import Client

    comment = post(commenter, "Visible.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = _post(client, "/reports", {"object_id": comment.pk, "reason": "spam"})
    assert response.status_code == 403


def test_openapi_schema_is_published(client, db) -> None:
    schema = client.get("/api/moderation/openapi.json").json()
    assert {"/api/moderation/queue", "/api/moderation/reports", "/api/moderation/decisions"} <= set(
        schema["paths"]
    )
