"""The audit log: every action and automatic decision that held, rejected or flagged, searchable
and exportable as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from masthead.moderation.auditlog import audit_search
from masthead.moderation.models import AuditEvent, ScreeningRecord
from masthead.moderation.services import audit_record, item_decide, phrase_add, sanction_apply


def test_actions_and_automatic_decisions_are_recorded(post, commenter, moderator, no_model) -> None:
    comment = post(commenter, "Held for being new.")
    item_decide(key="comment", object_id=comment.pk, decision="approve", actor=moderator)
    phrase_add(text="weasel", kind="suspect", actor=moderator)
    sanction_apply(user=commenter, kind="warn", actor=moderator, reason="Tone")
    rows = list(AuditEvent.objects.order_by("id").values_list("actor_label", "action", "reason"))
    assert rows == [
        ("rule:new_commenter", "screening_hold", "A new commenter's first comments are reviewed"),
        ("moderator@example.org", "item_approve", ""),
        ("moderator@example.org", "phrase_listed", "suspect: weasel"),
        ("moderator@example.org", "sanction_warn", "Tone"),
    ]


def test_a_clean_publish_is_screened_on_record_but_not_an_audit_event(
    post, commenter, no_model, settings
) -> None:
    # One audit event per published comment would bury the decisions moderators answer for.
    settings.MODERATION_MODE = "trust"
    settings.MODERATION_NEW_COMMENTER_HOLD = 0
    comment = post(commenter, "A plain, civil remark.")
    assert comment.status == "visible"
    record = ScreeningRecord.objects.get(object_id=comment.pk)
    assert record.verdict == "publish" and record.author == commenter
    assert not AuditEvent.objects.exists()


def test_search_by_words_action_and_dates(moderator, commenter) -> None:
    audit_record(action="item_reject", actor=moderator, subject=commenter, reason="Spam link farm")
    old = audit_record(action="item_remove", actor=moderator, reason="Libel")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert [e.reason for e in audit_search(query="spam")] == ["Spam link farm"]
    assert [e.reason for e in audit_search(query="commenter@ spam")] == ["Spam link farm"]
    assert [e.reason for e in audit_search(action="item_remove")] == ["Libel"]
    since = (timezone.now() - timedelta(days=7)).date()
    assert [e.reason for e in audit_search(since=since)] == ["Spam link farm"]
    assert [e.reason for e in audit_search(until=since)] == ["Libel"]


def test_audit_page_and_csv_export(client, moderator, commenter, django_assert_max_num_queries) -> None:
    for n in range(3):
        audit_record(action="item_reject", actor=moderator, subject=commenter, reason=f"Reason {n}")
    audit_record(action="item_approve", actor=moderator, reason='=HYPERLINK("http://evil")')
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:audit"), {"q": "reason"}).content.decode()
    assert html.count("<td>item_reject</td>") == 3
    response = client.get(reverse("moderation_admin:audit"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["when", "who", "action", "item", "subject", "reason", "data"]
    assert [row[5] for row in rows[1:]] == ['\'=HYPERLINK("http://evil")', "Reason 2", "Reason 1", "Reason 0"]
    assert rows[2][1:5] == ["moderator@example.org", "item_reject", "", "commenter@example.org"]
    filtered = client.get(reverse("moderation_admin:audit"), {"format": "csv", "action": "item_approve"})
    assert len(list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))) == 2
