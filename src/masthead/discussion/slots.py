"""What the discussion app puts into publishing's templates (registered in ``DiscussionConfig.ready``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.template import Context
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail.models import Page

from masthead.core import pagecache
from masthead.discussion import presentation, selectors, services
from masthead.discussion.models import Comment, ThreadState

ANONYMOUS_BLOCK_SECONDS = 60


def article_discussion(context: Context) -> str:
    """The discussion under an article: the first page, or a permalink's context (``?comment=``)."""
    page = context.get("page")
    request = context.get("request")
    if page is None or request is None or not getattr(page, "pk", None):
        return ""
    user = getattr(request, "user", None)
    focus = request.GET.get("comment", "")
    if (focus and not focus.isdigit()) or (user is not None and user.is_authenticated):
        return _discussion(page, request, user, focus)
    # Every anonymous reader of a page sees the same first page, and of a permalink the same
    # context (a shared link to one comment draws many): render each once per change
    # (``page:<id>`` moves with every comment, vote, moderation decision and thread state;
    # ``site`` with the discussion settings). The timeout bounds how stale "5 minutes ago" gets.
    sort = presentation.sort_from(request)
    name = f"discussion:{page.pk}:{sort}:{request.get_host()}:{request.path}:{focus}"
    return shared_block(name, f"page:{page.pk}", lambda: _discussion(page, request, user, focus, shared=True))


def shared_block(name: str, scope: str, render: Callable[[], str]) -> str:
    """A discussion block every anonymous reader gets alike, rendered once per change.

    Kept under ``scope`` (the thread's: every comment, vote, moderation decision and thread
    state bumps it) and ``site`` (discussion settings), for at most
    ``ANONYMOUS_BLOCK_SECONDS`` (relative times). ``name`` says what else shapes it.
    """

    def render_shareable() -> str:
        html = render()
        if "csrfmiddlewaretoken" in html:
            # With guest comments on, the block holds this reader's CSRF token.
            raise pagecache.NotShared(html)
        return html

    return pagecache.cached_fragment(name, [scope, "site"], render_shareable, timeout=ANONYMOUS_BLOCK_SECONDS)


def _discussion(page: Page, request: Any, user: Any, focus: str, *, shared: bool = False) -> str:
    thread = services.thread_for_page(page=page)
    if thread.state == ThreadState.HIDDEN:
        return ""
    listing = None
    if focus.isdigit():
        try:
            comment = selectors.access_comment(user=user, comment_id=int(focus))
        except Comment.DoesNotExist:
            comment = None
        if comment is not None and comment.thread_id == thread.pk:
            listing = selectors.comment_context(comment=comment, user=user)
    unknown_focus = bool(focus) and listing is None
    if listing is None:
        listing = selectors.thread_page(thread=thread, user=user, sort=presentation.sort_from(request))
    html = presentation.render_block(request, thread=thread, back_url=request.path, listing=listing)
    # A first page reached through an id that is no comment here is not shared: made-up ids
    # must not fill the cache.
    if shared and unknown_focus:
        raise pagecache.NotShared(html)
    return html


def _candidate_page_ids(context: Context) -> set[int]:
    """Article ids of lists in the template context, so teasers' counts come in one query."""
    ids: set[int] = set()
    for value in context.flatten().values():
        items: Any = None
        if isinstance(value, (list, tuple)):
            items = value
        elif isinstance(value, QuerySet) and value._result_cache is not None:
            items = value._result_cache
        elif isinstance(getattr(value, "object_list", None), (list, tuple)):
            items = getattr(value, "object_list", ())
        for item in items or ():
            if isinstance(item, Page) and item.pk:
                ids.add(item.pk)
    return ids


def article_meta(context: Context) -> str:
    """The comment count in an article teaser."""
    article = context.get("article")
    request = context.get("request")
    if article is None or not getattr(article, "pk", None):
        return ""
    counts: dict[int, int] | None = getattr(request, "_discussion_counts", None) if request else None
    if counts is None or article.pk not in counts:
        wanted = {article.pk} | _candidate_page_ids(context)
        found = selectors.thread_counts(page_ids=sorted(wanted))
        counts = {**(counts or {}), **{pk: found.get(pk, 0) for pk in wanted}}
        if request is not None:
            request._discussion_counts = counts  # type: ignore[attr-defined]
    count = counts[article.pk]
    label = "1 comment" if count == 1 else f"{count:,} comments"
    url = getattr(article, "url", "") or ""
    return format_html('<a class="comment-count" href="{}#discussion">{}</a>', url, label)


def head(context: Context) -> str:
    return format_html(
        '<link rel="stylesheet" href="{}"><script type="module" src="{}"></script>',
        static("discussion/discussion.css"),
        static("discussion/discussion.js"),
    )
