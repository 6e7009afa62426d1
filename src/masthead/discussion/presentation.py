"""Turning a selected page of comments into HTML for a particular reader.

Comments themselves are built by ``comment_html`` (in Python: a page may hold hundreds);
the block around them (count, sorts, form, paging) is a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

from masthead.accounts.selectors import has_verified_email
from masthead.discussion import comment_html, selectors
from masthead.discussion.forms import CommentForm
from masthead.discussion.models import DiscussionSettings, Thread, ThreadState
from masthead.discussion.services.threads import thread_is_open

SORT_COOKIE = "discussion_sort"
TOMBSTONE_WORDS = comment_html.TOMBSTONE_WORDS


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
    # A host no Wagtail Site answers for (and no default site) gets the default settings.
    site = Site.find_for_request(request)
    site_settings = DiscussionSettings.for_site(site) if site else DiscussionSettings()
    verified = signed_in and has_verified_email(user)
    viewer = Viewer(
        user=user if signed_in else None,
        signed_in=signed_in,
        verified=verified,
        staff=signed_in and bool(getattr(user, "is_staff", False)),
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


def render_nodes(nodes: list[selectors.Node], viewer: Viewer, back_url: str) -> SafeString:
    options = comment_html.Options(
        user_id=viewer.user.pk if viewer.signed_in else None,
        can_comment=viewer.can_comment,
        thread_open=viewer.thread_open,
        likes_only=viewer.likes_only,
        csrf_token=viewer.csrf_token,
        sign_in_url=login_url(back_url),
        max_indent=settings.DISCUSSION_MAX_INDENT,
        edit_window=timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW_SECONDS),
        now=timezone.now(),
    )
    return mark_safe("".join(comment_html.render(node, options) for node in nodes))  # noqa: S308 - escaped parts


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
