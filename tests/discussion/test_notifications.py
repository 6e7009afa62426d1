"""Reply emails through a real SMTP server, and the signed one-click unsubscribe."""

from __future__ import annotations

import re

import pytest

from masthead.discussion import services
from masthead.discussion.models import Comment


@pytest.fixture
def post(post, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Post and run what waits for the commit (the notification task), as in production."""

    def _post(*args, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    return _post


def test_reply_notification_is_emailed_once_with_unsubscribe(smtp_server, post, reader, commenter, client):
    root = post(reader, "Tell me when someone answers.", notify_replies=True)
    reply = post(commenter, "Here is an answer.", parent=root)
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "reader@example.org"
    assert "χρηστος replied" in message["Subject"]
    body = (
        message.get_payload(decode=True).decode()
        if not message.is_multipart()
        else message.get_body().get_content()
    )
    assert "Here is an answer." in body
    assert f"/c/{reply.pk}" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<(http[^>]+)>", message["List-Unsubscribe"]).group(1)
    path = (
        unsubscribe.split("testserver", 1)[1]
        if "testserver" in unsubscribe
        else "/" + unsubscribe.split("/", 3)[3]
    )
    assert client.get(path).status_code == 200
    assert Comment.objects.get(pk=root.pk).notify_replies is True  # a GET (link scanners) changes nothing
    assert client.post(path).status_code == 200
    assert Comment.objects.get(pk=root.pk).notify_replies is False
    assert client.post(path[:-3] + "xyz").status_code == 400


def test_no_email_without_opt_in_or_for_own_reply(smtp_server, post, reader, commenter):
    quiet = post(reader, "No emails please.")
    post(commenter, "Answer to the quiet one.", parent=quiet)
    loud = post(reader, "Emails welcome.", notify_replies=True)
    post(reader, "Talking to myself.", parent=loud)
    assert smtp_server.wait_for(1, timeout=1.5) == []


def test_unverified_address_gets_no_email(smtp_server, post, reader, commenter):
    from allauth.account.models import EmailAddress

    root = post(reader, "Verify me later.", notify_replies=True)
    EmailAddress.objects.filter(user=reader).update(verified=False)
    post(commenter, "A reply nobody will hear of.", parent=root)
    assert smtp_server.wait_for(1, timeout=1.5) == []


def test_restored_reply_is_not_notified_twice(
    smtp_server, post, reader, commenter, django_capture_on_commit_callbacks
):
    root = post(reader, "Waiting for replies.", notify_replies=True)
    reply = post(commenter, "Hidden, then restored.", parent=root)
    first = smtp_server.wait_for(1)
    assert len(first) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_set_status(comment=reply, status="hidden", actor=None)
        services.comment_set_status(comment=reply, status="visible", actor=None)
    assert len(smtp_server.wait_for(2, timeout=1.5)) == 1  # restored: not sent twice
