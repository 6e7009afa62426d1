"""Turning a selected page of comments into HTML for a particular reader.

Comments are rendered node by node from one compiled template, without context processors,
so a long page costs microseconds per comment; a node's replies are rendered first and
passed in, which nests each reply's element inside its parent's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from masthead.discussion import selectors
from masthead.discussion.forms import CommentForm
from masthead.discussion.models import CommentStatus, DiscussionSettings, Thread, ThreadState
from masthead.discussion.services.threads import thread_is_open

SORT_COOKIE = "discussion_sort"
TOMBSTONE_WORDS = {
    CommentStatus.DELETED: "This comment was deleted by its author.",
    CommentStatus.REMOVED: "This comment was removed by a moderator.",
    CommentStatus.HIDDEN: "This comment was hidden by a moderator.",
}


@dataclass
class Viewer:
    """What the current reader may do in a thread."""

    user: Any
    signed_in: bool
    verified: bool
    staff: bool
    guests_allowed: bool
    likes_only: bool
    thread_open: bool
    csrf_token: str = ""

    @property
    def can_comment(self) -> bool:
        return self.thread_open and (self.verified or (not self.signed_in and self.guests_allowed))

    @property
    def needs_forms(self) -> bool:
        return self.signed_in or self.guests_allowed


def viewer_for(request: HttpRequest, thread: Thread) -> Viewer:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    site_settings = DiscussionSettings.for_request(request)
    verified = signed_in and EmailAddress.objects.filter(user=user, verified=True).exists()
    viewer = Viewer(
        user=user if signed_in else None,
        signed_in=signed_in,
        verified=verified,
        staff=signed_in and user.is_staff,
        guests_allowed=site_settings.allow_guests,
        likes_only=site_settings.likes_only,
        thread_open=thread_is_open(thread),
    )
    # A cached anonymous page must not carry one reader's CSRF token: forms only when needed.
    if viewer.needs_forms:
        viewer.csrf_token = get_token(request)
    return viewer


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _relative(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, name in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {name}{'s' if count != 1 else ''} ago"
    return "just now"


def render_nodes(nodes: list[selectors.Node], viewer: Viewer, back_url: str) -> SafeString:
    template = get_template("discussion/_comment.html")
    now = timezone.now()
    window = timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW_SECONDS)
    sign_in = login_url(back_url)
    return mark_safe(  # noqa: S308 - built from our escaped templates
        "".join(_render_node(node, template, viewer, now, window, sign_in) for node in nodes)
    )


def _render_node(node, template, viewer: Viewer, now, window, sign_in) -> str:  # type: ignore[no-untyped-def]
    comment = node.comment
    children = "".join(_render_node(child, template, viewer, now, window, sign_in) for child in node.children)
    mine = viewer.signed_in and comment.author_id == viewer.user.pk
    visible = comment.status == CommentStatus.VISIBLE
    more_url = ""
    if node.more_replies:
        more_url = reverse("discussion:replies", args=[comment.pk])
        if node.more_after:
            more_url += f"?after={node.more_after}"
    context = {
        "node": node,
        "comment": comment,
        "children": mark_safe(children),  # noqa: S308 - rendered by this template
        "indent": min(comment.depth, settings.DISCUSSION_MAX_INDENT),
        "flat": comment.depth > settings.DISCUSSION_MAX_INDENT,
        "at_cap": comment.depth >= settings.DISCUSSION_MAX_INDENT,
        "tombstone": TOMBSTONE_WORDS.get(comment.status) if comment.is_tombstone else "",
        "pending": comment.status == CommentStatus.PENDING,
        "mine": mine,
        "relative": _relative(comment.created_at, now),
        "more_url": more_url,
        "more_all": bool(node.children) and not node.more_after,
        "can_reply": visible and viewer.can_comment,
        "can_edit": mine
        and comment.status in (CommentStatus.VISIBLE, CommentStatus.PENDING)
        and now - comment.created_at <= window
        and viewer.thread_open,
        "can_delete": mine and comment.status in (CommentStatus.VISIBLE, CommentStatus.PENDING),
        "can_vote": visible and viewer.signed_in and not mine,
        "show_sign_in": visible and not viewer.signed_in,
        "likes_only": viewer.likes_only,
        "csrf_token": viewer.csrf_token,
        "sign_in_url": sign_in,
        "score": comment.upvotes - comment.downvotes,
    }
    return template.render(context)


def sort_links(thread: Thread, current: str, next_url: str) -> list[dict[str, Any]]:
    base = reverse("discussion:sort", args=[thread.pk])
    return [
        {
            "key": key,
            "label": label,
            "current": key == current,
            "url": f"{base}?{urlencode({'sort': key, 'next': next_url})}",
        }
        for key, label in selectors.SORT_LABELS.items()
    ]


def render_block(
    request: HttpRequest,
    *,
    thread: Thread,
    back_url: str,
    listing: selectors.ThreadPage,
    form: CommentForm | None = None,
    preview_html: str = "",
    standalone: bool = False,
) -> str:
    """The whole discussion block: count, sort links, form (or sign-in link), comments, paging."""
    viewer = viewer_for(request, thread)
    if form is None and viewer.can_comment:
        form = CommentForm(guest=not viewer.signed_in)
    next_url = ""
    if listing.next_cursor and listing.focus is None:
        query = urlencode({"sort": listing.sort, "cursor": listing.next_cursor})
        next_url = f"{reverse('discussion:thread', args=[thread.pk])}?{query}"
    elif listing.next_cursor:
        query = urlencode({"sort": "oldest", "cursor": listing.next_cursor})
        next_url = f"{reverse('discussion:thread', args=[thread.pk])}?{query}"
    context = {
        "thread": thread,
        "listing": listing,
        "comments_html": render_nodes(listing.nodes, viewer, back_url),
        "viewer": viewer,
        "form": form,
        "preview_html": mark_safe(preview_html),  # noqa: S308 - rendered and sanitised by render_markdown
        "sorts": sort_links(thread, listing.sort, back_url),
        "next_url": next_url,
        "back_url": back_url,
        "sign_in_url": login_url(back_url + "#comment-form"),
        "closed": thread.state != ThreadState.OPEN or not viewer.thread_open,
        "standalone": standalone,
        "thread_url": reverse("discussion:thread", args=[thread.pk]),
        "events_url": reverse("discussion:events", args=[thread.pk]),
        "post_url": reverse("discussion:post", args=[thread.pk]),
    }
    return render_to_string("discussion/_block.html", context)


def sort_from(request: HttpRequest) -> str:
    return selectors.clean_sort(request.COOKIES.get(SORT_COOKIE))
