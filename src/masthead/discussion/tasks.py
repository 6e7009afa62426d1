"""Background work: reply notification emails, sent after the reply's transaction commits."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services.notifications import unsubscribe_token
from masthead.moderation.selectors import is_shadow_banned


def _site_root(comment: Comment) -> str:
    page = comment.thread.page
    if page is not None:
        site = page.get_site()
        if site is not None:
            return site.root_url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


@task()
def notify_reply(comment_id: int) -> None:
    """Email the parent's author about a reply, once, if they opted in with a verified address."""
    reply = Comment.objects.select_related("parent__author", "author", "thread").filter(pk=comment_id).first()
    if reply is None or reply.status != CommentStatus.VISIBLE or reply.notified_at is not None:
        return
    parent = reply.parent
    if parent is None or not parent.notify_replies or parent.author_id is None:
        return
    if parent.author_id == reply.author_id or parent.status != CommentStatus.VISIBLE:
        return
    # Checked again here: the author may have been shadow-banned since the reply was queued.
    if reply.author is not None and is_shadow_banned(reply.author):
        return
    # Unverified addresses never get mail: notifications must not become a spam cannon.
    address = (
        EmailAddress.objects.filter(user_id=parent.author_id, verified=True)
        .order_by("-primary")
        .values_list("email", flat=True)
        .first()
    )
    if address is None:
        return
    # Claim the notification so a retried or duplicated task sends it once.
    if not Comment.objects.filter(pk=reply.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
        return
    try:
        _send(reply, parent, address)
    except Exception:
        Comment.objects.filter(pk=reply.pk).update(notified_at=None)
        raise


def _send(reply: Comment, parent: Comment, address: str) -> None:
    root = _site_root(reply)
    unsubscribe_url = root + reverse("discussion:unsubscribe", args=[unsubscribe_token(user=parent.author)])
    context = {
        "reply": reply,
        "parent": parent,
        "thread": reply.thread,
        "permalink": root + reverse("discussion:permalink", args=[reply.pk]),
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.SITE_NAME,
    }
    message = EmailMessage(
        subject=f"{reply.display_name} replied to your comment on “{reply.thread.title}”",
        body=render_to_string("discussion/email/reply_notification.txt", context),
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.send()
