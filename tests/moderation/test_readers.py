"""A reader's data download and account deletion (tombstones where others replied)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from masthead.moderation.models import AuditEvent
from masthead.moderation.services import account_delete, report_create, sanction_apply


@pytest.fixture
def conversation(post, commenter, reader, trusted, no_model):  # type: ignore[no-untyped-def]
    """commenter wrote a comment reader replied to, and a lone one; reader reported the lone one."""
    answered = post(commenter, "The tide tables are wrong.")
    reply = post(reader, "They were fixed last week.", parent=answered)
    lone = post(commenter, "Nobody answered this.")
    report_create(reporter=reader, key="comment", object_id=lone.pk, reason="off_topic")
    return answered, reply, lone


def test_download_has_everything_the_reader_wrote(client, commenter, reader, conversation, moderator) -> None:
    sanction_apply(user=reader, kind="warn", actor=moderator, reason="Tone")
    sanction_apply(user=reader, kind="shadow_ban", actor=moderator, reason="Hidden from them")
    client.force_login(reader)
    response = client.get(reverse("moderation:my_data_download"))
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "reader@example.org"
    assert [(c["text"], c["in_reply_to"]) for c in data["comments"]] == [
        ("They were fixed last week.", conversation[0].pk)
    ]
    assert [(r["reason"], r["resolution"]) for r in data["reports_filed"]] == [("off_topic", "open")]
    # The shadow-ban stays hidden, as it is everywhere else.
    assert [s["kind"] for s in data["sanctions"]] == ["warn"]


def test_deleting_an_account_leaves_tombstones_only_where_others_replied(
    client, commenter, conversation, django_user_model
) -> None:
    from masthead.discussion.models import Comment

    answered, reply, lone = conversation
    client.force_login(commenter)
    url = reverse("moderation:delete_account")
    html = client.post(url, {"password": "wrong", "confirm": "on"}).content.decode()
    assert "That is not your password." in html
    response = client.post(url, {"password": "correct horse 42", "confirm": "on"})
    assert "Your account is deleted" in response.content.decode()
    assert not django_user_model.objects.filter(email="commenter@example.org").exists()
    tombstone = Comment.objects.get(pk=answered.pk)
    assert (tombstone.status, tombstone.body_source, tombstone.author_id) == ("deleted", "", None)
    assert not Comment.objects.filter(pk=lone.pk).exists()
    assert Comment.objects.get(pk=reply.pk).status == "visible"
    # Signed out, and the audit trail no longer names them.
    assert client.get(reverse("moderation:my_data")).status_code == 302
    assert not AuditEvent.objects.filter(subject_label="commenter@example.org").exists()
    assert AuditEvent.objects.filter(subject_label__startswith="deleted reader #").exists()
    assert AuditEvent.objects.filter(action="account_deleted").count() == 1


def test_staff_accounts_are_not_deleted_from_the_reader_page(client, editor) -> None:
    client.force_login(editor)
    html = client.post(
        reverse("moderation:delete_account"), {"password": "correct horse 42", "confirm": "on"}
    ).content.decode()
    assert "Staff accounts are deleted by an administrator." in html
    assert get_user_model().objects.filter(pk=editor.pk).exists()
    with pytest.raises(ValueError):
        account_delete(user=editor)


def test_deleting_needs_the_confirmation_box(client, reader) -> None:
    client.force_login(reader)
    html = client.post(
        reverse("moderation:delete_account"), {"password": "correct horse 42"}
    ).content.decode()
    assert "This field is required." in html
    assert get_user_model().objects.filter(pk=reader.pk).exists()
