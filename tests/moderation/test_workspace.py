"""The moderators' workspace in Wagtail's admin: queues, filters, decisions, bulk, history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.moderation.models import AuditEvent, Report, Standing
from masthead.moderation.services import report_create


@pytest.fixture
def held(post, commenter, no_model):  # type: ignore[no-untyped-def]
    """Three comments held because their author is new."""
    return [post(commenter, f"Held comment number {n} about the harbour.") for n in range(3)]


def test_pending_queue_lists_held_comments_with_reasons_and_history(client, moderator, held) -> None:
    client.force_login(moderator)
    response = client.get(reverse("moderation_admin:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    for comment in held:
        assert f'data-moderation-item="{comment.pk}"' in html
    assert html.count("A new commenter&#x27;s first comments are reviewed") == 3
    assert "History: pending 3" in html
    assert "moderation/workspace.js" in html


def test_queue_query_count_does_not_grow_with_items(
    client, moderator, post, commenter, reader, no_model, django_assert_max_num_queries
) -> None:
    client.force_login(moderator)
    post(commenter, "One held comment.")
    client.get(reverse("moderation_admin:queue"))  # warm Wagtail's site and permission caches
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("moderation_admin:queue"))
    for n in range(6):
        post(reader if n % 2 else commenter, f"Another held comment {n}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("moderation_admin:queue"))
    assert response.content.decode().count("data-moderation-item=") == 7


def test_approve_publishes_and_counts_in_the_authors_standing(client, moderator, held) -> None:
    client.force_login(moderator)
    comment = held[0]
    response = client.post(
        reverse("moderation_admin:decide"), {"key": "comment", "ids": [comment.pk], "decision": "approve"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert Standing.objects.get(user=comment.author).recent == "a"
    event = AuditEvent.objects.get(action="item_approve")
    assert (event.actor, event.data) == (moderator, {"from": "pending", "to": "approved"})


def test_reject_needs_a_reason_and_the_author_sees_it(client, moderator, held) -> None:
    client.force_login(moderator)
    comment = held[0]
    client.post(
        reverse("moderation_admin:decide"), {"key": "comment", "ids": [comment.pk], "decision": "reject"}
    )
    comment.refresh_from_db()
    assert comment.status == "pending"
    client.post(
        reverse("moderation_admin:decide"),
        {"key": "comment", "ids": [comment.pk], "decision": "reject", "reason": "Name-calling"},
    )
    comment.refresh_from_db()
    assert (comment.status, comment.status_reason) == ("rejected", "Name-calling")
    assert Standing.objects.get(user=comment.author).recent == "r"


def test_bulk_approve(client, moderator, held) -> None:
    client.force_login(moderator)
    response = client.post(
        reverse("moderation_admin:decide"),
        {
            "key": "comment",
            "ids": [c.pk for c in held] + [999999],
            "decision": "approve",
            "next": "/admin/moderation/",
        },
        follow=True,
    )
    assert "Approve: 3 of 4." in response.content.decode()
    assert {c.status for c in type(held[0]).objects.filter(pk__in=[c.pk for c in held])} == {"visible"}


def test_edit_keeps_the_original_as_a_revision(client, moderator, held) -> None:
    client.force_login(moderator)
    comment = held[0]
    client.post(
        reverse("moderation_admin:decide"),
        {
            "key": "comment",
            "ids": [comment.pk],
            "decision": "edit",
            "text": "Trimmed text.",
            "reason": "Libel",
        },
    )
    comment.refresh_from_db()
    assert comment.body_source == "Trimmed text."
    assert comment.revisions.get().body_source == "Held comment number 0 about the harbour."
    assert AuditEvent.objects.get(action="item_edit").reason == "Libel"


def test_feature_an_approved_comment(client, moderator, post, commenter, trusted, no_model) -> None:
    client.force_login(moderator)
    comment = post(commenter, "A thoughtful comment.")
    client.post(
        reverse("moderation_admin:decide"), {"key": "comment", "ids": [comment.pk], "decision": "feature"}
    )
    comment.refresh_from_db()
    assert comment.featured is True


def test_queue_filters(client, moderator, held, post, reader, article, no_model) -> None:
    client.force_login(moderator)
    other = post(reader, "Held, by another reader.")
    url = reverse("moderation_admin:queue")
    html = client.get(url, {"author": "reader@"}).content.decode()
    assert f'data-moderation-item="{other.pk}"' in html
    assert f'data-moderation-item="{held[0].pk}"' not in html
    assert client.get(url, {"article": article.pk}).content.decode().count("data-moderation-item=") == 4
    assert (
        client.get(url, {"article": article.pk + 1000}).content.decode().count("data-moderation-item=") == 0
    )
    section = article.get_parent()
    assert client.get(url, {"section": section.pk}).content.decode().count("data-moderation-item=") == 4
    assert client.get(url, {"reason": "offensive"}).content.decode().count("data-moderation-item=") == 0
    assert client.get(url, {"reason": "new_commenter"}).content.decode().count("data-moderation-item=") == 4
    assert client.get(url, {"queue": "nope"}).status_code == 404


def test_reported_queue_and_report_resolution(
    client, moderator, post, commenter, reader, editor, trusted, no_model
) -> None:
    comment = post(commenter, "Something contentious.")
    report_create(reporter=reader, key="comment", object_id=comment.pk, reason="abuse", text="Rude")
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:queue"), {"queue": "reported"}).content.decode()
    assert f'data-moderation-item="{comment.pk}"' in html
    assert "Abusive or harassing: “Rude”" in html
    client.post(
        reverse("moderation_admin:decide"), {"key": "comment", "ids": [comment.pk], "decision": "approve"}
    )
    assert Report.objects.get().resolution == "dismissed"
    html = client.get(reverse("moderation_admin:queue"), {"queue": "reported"}).content.decode()
    assert "data-moderation-item=" not in html


def test_item_and_author_pages(client, moderator, held) -> None:
    client.force_login(moderator)
    comment = held[0]
    html = client.get(reverse("moderation_admin:item", args=["comment", comment.pk])).content.decode()
    assert "Held comment number 0" in html and "screening_hold" in html
    html = client.get(reverse("moderation_admin:author", args=[comment.author_id])).content.decode()
    assert "commenter@example.org" in html and "pending 3" in html
    assert client.get(reverse("moderation_admin:item", args=["comment", 999999])).status_code == 404
    assert client.get(reverse("moderation_admin:item", args=["vote", 1])).status_code == 404
