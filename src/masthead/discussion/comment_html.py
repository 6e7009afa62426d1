"""One comment's HTML, built in Python: the hot path of every discussion page.

A Django template costs about a millisecond per comment (localisation, date formats,
variable resolution); a first page can show a few hundred comments, so comments are
assembled here from escaped parts instead (tens of microseconds each). The markup is the
one the CSS, the JS and the tests rely on; ``body_html`` is already sanitised by nh3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from masthead.discussion.models import Comment, CommentStatus

TOMBSTONE_WORDS: dict[str, str] = {
    CommentStatus.DELETED: "This comment was deleted by its author.",
    CommentStatus.REMOVED: "This comment was removed by a moderator.",
    CommentStatus.HIDDEN: "This comment was hidden by a moderator.",
}
# The author may appeal these decisions (moderation's appeal page).
APPEALABLE = (CommentStatus.REJECTED, CommentStatus.REMOVED, CommentStatus.HIDDEN)
_UNITS = ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"), (3600, "hour"), (60, "minute"))


@dataclass(frozen=True)
class Options:
    """Everything about the reader and the site a comment's HTML depends on."""

    user_id: int | None
    can_comment: bool
    thread_open: bool
    likes_only: bool
    csrf_token: str
    sign_in_url: str
    max_indent: int
    edit_window: timedelta
    now: datetime


def relative(moment: datetime, now: datetime) -> str:
    seconds = int((now - moment).total_seconds())
    for size, name in _UNITS:
        if seconds >= size:
            count = seconds // size
            return f"{count} {name}{'s' if count != 1 else ''} ago"
    return "just now"


def _exact(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M %Z")


def _plural(count: int) -> str:
    return "reply" if count == 1 else "replies"


def _vote_form(comment: Comment, vote: int, options: Options) -> str:
    score = comment.upvotes if options.likes_only else comment.upvotes - comment.downvotes
    title = f"{comment.upvotes} up, {comment.downvotes} down"
    up_label = "Like" if options.likes_only else '▲<span class="visually-hidden"> Vote up</span>'
    parts = [
        f'<form class="vote" method="post" action="/discussion/comment/{comment.pk}/vote">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(options.csrf_token)}">',
        f'<button type="submit" name="value" value="{0 if vote == 1 else 1}" '
        f'aria-pressed="{"true" if vote == 1 else "false"}" class="vote-up">{up_label}</button>',
        f'<span class="vote-score" title="{title}">{score}</span>',
    ]
    if not options.likes_only:
        parts.append(
            f'<button type="submit" name="value" value="{0 if vote == -1 else -1}" '
            f'aria-pressed="{"true" if vote == -1 else "false"}" class="vote-down">'
            '▼<span class="visually-hidden"> Vote down</span></button>'
        )
    parts.append("</form>")
    return "".join(parts)


def _actions(node, comment: Comment, options: Options) -> str:  # type: ignore[no-untyped-def]
    visible = comment.status == CommentStatus.VISIBLE
    mine = options.user_id is not None and comment.author_id == options.user_id
    editable_status = comment.status in (CommentStatus.VISIBLE, CommentStatus.PENDING)
    parts = []
    if visible and options.user_id is not None and not mine:
        parts.append(_vote_form(comment, node.vote, options))
    elif visible:
        title = f"{comment.upvotes} up, {comment.downvotes} down"
        score = (
            f"{comment.upvotes} likes"
            if options.likes_only
            else f"{comment.upvotes - comment.downvotes} points"
        )
        parts.append(f'<span class="vote-score" title="{title}">{score}</span>')
    if visible and options.user_id is None:
        parts.append(f'<a class="sign-in-vote" href="{escape(options.sign_in_url)}">Sign in to vote</a>')
    if visible and options.can_comment:
        parts.append(
            f'<a class="reply-link" href="/discussion/comment/{comment.pk}/reply" data-reply-to="{comment.pk}">Reply</a>'
        )
    if (
        mine
        and editable_status
        and options.thread_open
        and options.now - comment.created_at <= options.edit_window
    ):
        parts.append(f'<a class="edit-link" href="/discussion/comment/{comment.pk}/edit">Edit</a>')
    if mine and editable_status:
        parts.append(f'<a class="delete-link" href="/discussion/comment/{comment.pk}/delete">Delete</a>')
    if visible and options.user_id is not None and not mine:
        url = reverse("moderation:report", args=["comment", comment.pk])
        parts.append(f'<a class="report-link" href="{escape(url)}" rel="nofollow">Report</a>')
    return f'<footer class="comment-actions">{"".join(parts)}</footer>'


def _appeal(comment: Comment, options: Options) -> str:
    """The "Appeal" link its author sees on a comment a moderator rejected, removed or hid."""
    if comment.status not in APPEALABLE or options.user_id is None or comment.author_id != options.user_id:
        return ""
    url = reverse("moderation:appeal", args=["comment", comment.pk])
    return (
        f'<p class="comment-appeal"><a class="appeal-link" href="{escape(url)}" rel="nofollow">Appeal</a></p>'
    )


def _body(node, comment: Comment, options: Options) -> str:  # type: ignore[no-untyped-def]
    if comment.is_tombstone:
        words = TOMBSTONE_WORDS[comment.status]
        return (
            '<article class="comment-body" aria-label="Removed comment">'
            f'<p class="tombstone">{words}</p>{_appeal(comment, options)}</article>'
        )
    name = escape(comment.display_name)
    head = [f'<span class="comment-author">{name}</span>']
    if comment.depth > options.max_indent and node.parent_name:
        head.append(
            f'<a class="in-reply-to" href="#comment-{comment.parent_id}">in reply to {escape(node.parent_name)}</a>'
        )
    head.append(
        f'<a class="comment-time" href="/c/{comment.pk}"><time datetime="{comment.created_at.isoformat()}" '
        f'title="{_exact(comment.created_at)}">{relative(comment.created_at, options.now)}</time></a>'
    )
    if comment.edited_at:
        head.append(f'<span class="comment-edited" title="Edited {_exact(comment.edited_at)}">edited</span>')
    if comment.featured:
        head.append('<span class="comment-featured">Editors’ pick</span>')
    if comment.status == CommentStatus.PENDING:
        head.append('<span class="comment-pending">awaiting moderation</span>')
    reason = ""
    if comment.status_reason and options.user_id is not None and comment.author_id == options.user_id:
        reason = f'<p class="comment-reason">Moderator’s note: {escape(comment.status_reason)}</p>'
    return (
        f'<article class="comment-body" aria-label="Comment by {name}">'
        f'<header class="comment-head">{"".join(head)}</header>'
        f'<div class="comment-text">{comment.body_html}</div>{reason}{_appeal(comment, options)}'
        f"{_actions(node, comment, options)}</article>"
    )


def _more(node) -> str:  # type: ignore[no-untyped-def]
    comment, count = node.comment, node.more_replies
    url = f"/discussion/comment/{comment.pk}/replies"
    if node.more_after:
        url += f"?after={node.more_after}"
        label = f"Show {count} more {_plural(count)}"
    elif node.children:
        label = f"Show all {count} {_plural(count)}"
    else:
        label = f"Show {count} {_plural(count)}"
    return f'<li class="more-replies"><a href="{url}" data-load-in-place>{label}</a></li>'


def render(node, options: Options) -> str:  # type: ignore[no-untyped-def]
    """``node`` (a ``selectors.Node``) and its replies, each reply's element inside its parent's."""
    comment = node.comment
    classes = [f"comment indent-{min(comment.depth, options.max_indent)}"]
    if comment.depth > options.max_indent:
        classes.append("flat")
    if comment.depth >= options.max_indent:
        classes.append("at-cap")
    if node.focus:
        classes.append("is-focus")
    if comment.featured:
        classes.append("is-featured")
    replies = ""
    if node.children or node.more_replies:
        inner = "".join(render(child, options) for child in node.children)
        replies = f'<ol class="replies">{inner}{_more(node) if node.more_replies else ""}</ol>'
    return (
        f'<li class="{" ".join(classes)}" id="comment-{comment.pk}" data-comment-id="{comment.pk}">'
        f"{_body(node, comment, options)}{replies}</li>"
    )
