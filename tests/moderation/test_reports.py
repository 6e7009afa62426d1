"""Readers' reports and authors' appeals, through the HTML forms and the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.moderation.models import Appeal, AuditEvent, Report
from masthead.moderation.services import appeal_create, appeal_decide, item_decide, report_create


@pytest.fixture
def comment(post, commenter, trusted, no_model):  # type: ignore[no-untyped-def]
    return post(commenter, "The harbour master should resign.")


def test_report_form_files_one_report_per_reader(client, reader, comment) -> None:
    client.force_login(reader)
    url = reverse("moderation:report", args=["comment", comment.pk])
    page = client.get(url).content.decode()
    assert "The harbour master should resign." in page and 'name="csrfmiddlewaretoken"' in page
    response = client.post(url, {"reason": "abuse", "text": "Harassment"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    client.post(url, {"reason": "spam"})
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.text, report.resolution) == (
        reader,
        "abuse",
        "Harassment",
        "open",
    )


def test_report_form_errors_are_shown_not_raised(client, reader, comment, commenter) -> None:
    client.force_login(reader)
    url = reverse("moderation:report", args=["comment", comment.pk])
    assert "This field is required." in client.post(url, {}).content.decode()
    assert (
        "Tell us what is wrong with it."
        in client.post(url, {"reason": "other", "text": " "}).content.decode()
    )
    assert client.post(url, {"reason": "nonsense"}).status_code == 200
    client.force_login(commenter)
    assert "You cannot report your own comment." in client.post(url, {"reason": "spam"}).content.decode()
    assert Report.objects.count() == 0
    assert client.get(reverse("moderation:report", args=["comment", 999999])).status_code == 404
    assert client.get(reverse("moderation:report", args=["nothing", comment.pk])).status_code == 404


def test_enough_reports_hold_the_comment(comment, reader, moderator, editor, admin_user, settings) -> None:
    settings.MODERATION_REPORTS_TO_HOLD = 2
    report_create(reporter=reader, key="comment", object_id=comment.pk, reason="abuse")
    comment.refresh_from_db()
    assert comment.status == "visible"
    report_create(reporter=editor, key="comment", object_id=comment.pk, reason="spam")
    comment.refresh_from_db()
    assert comment.status == "pending"
    event = AuditEvent.objects.get(action="item_hold")
    assert (event.actor, event.actor_label, event.reason) == (
        None,
        "rule:reports_threshold",
        "2 readers reported it",
    )
    # A held comment is not reported again.
    with pytest.raises(ValueError, match="Only published comments"):
        report_create(reporter=admin_user, key="comment", object_id=comment.pk, reason="spam")


def test_a_repeated_report_returns_the_first(comment, reader) -> None:
    first, created = report_create(reporter=reader, key="comment", object_id=comment.pk, reason="abuse")
    again, created_again = report_create(reporter=reader, key="comment", object_id=comment.pk, reason="spam")
    assert (created, created_again, again.pk, again.reason) == (True, False, first.pk, "abuse")


def test_appeal_once_then_granted_restores(client, comment, commenter, moderator) -> None:
    item_decide(key="comment", object_id=comment.pk, decision="remove", actor=moderator, reason="Defamatory")
    client.force_login(commenter)
    url = reverse("moderation:appeal", args=["comment", comment.pk])
    assert "Defamatory" in client.get(url).content.decode()
    assert client.post(url, {"text": "It is a matter of public record."}).status_code == 302
    assert "already been appealed" in client.post(url, {"text": "Again"}).content.decode()
    appeal = Appeal.objects.get()
    assert (appeal.author, appeal.decision) == (commenter, "pending")
    appeal_decide(appeal=appeal, actor=moderator, grant=True, reply="Fair point")
    comment.refresh_from_db()
    assert comment.status == "visible"
    with pytest.raises(ValueError, match="already been decided"):
        appeal_decide(appeal=appeal, actor=moderator, grant=False)
    assert list(AuditEvent.objects.filter(action__startswith="appeal").values_list("action", flat=True)) == [
        "appeal_granted",
        "appeal_filed",
    ]


def test_appeals_queue_and_denial(client, comment, commenter, moderator) -> None:
    item_decide(key="comment", object_id=comment.pk, decision="hide", actor=moderator, reason="Off-topic")
    appeal = appeal_create(author=commenter, key="comment", object_id=comment.pk, text="It was on topic")
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:queue"), {"queue": "appeals"}).content.decode()
    assert "It was on topic" in html
    client.post(reverse("moderation_admin:appeal_decide", args=[appeal.pk]), {"grant": "0", "reply": "No"})
    appeal.refresh_from_db()
    comment.refresh_from_db()
    assert (appeal.decision, appeal.reply, comment.status) == ("denied", "No", "hidden")


def test_only_decided_comments_by_the_author_can_be_appealed(comment, commenter, reader) -> None:
    with pytest.raises(ValueError, match="Only a rejected"):
        appeal_create(author=commenter, key="comment", object_id=comment.pk, text="Why?")
    with pytest.raises(PermissionError):
        appeal_create(author=reader, key="comment", object_id=comment.pk, text="Why?")
