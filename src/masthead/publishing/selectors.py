"""Reads that feed publishing's pages, feeds and other apps (``demo_map_article``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Page, Revision, Site
from wagtail.query import PageQuerySet

from masthead.publishing.models import (
    ArticleByline,
    ArticleCorrection,
    ArticlePage,
    AuthorPage,
    HomePage,
    NewsRendition,
    SectionPage,
)

# The demo's map story; other apps' demo loaders attach their content to it.
DEMO_MAP_ARTICLE_SLUG = "river-delta-flooding-map"
SECTION_BLOCK_SIZE = 4


def site_root(request: HttpRequest) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page.specific if site else None


def articles_for_lists(*, within: Page | None = None) -> PageQuerySet:
    """Live articles, newest first, with what a teaser shows fetched in a fixed number of queries."""
    articles: PageQuerySet = ArticlePage.objects.live().public()  # type: ignore[assignment]
    if within is not None:
        articles = articles.descendant_of(within)
    return (
        articles.select_related("lead_image")
        .prefetch_related(
            Prefetch(
                "bylines", queryset=ArticleByline.objects.select_related("author").order_by("sort_order")
            ),
            Prefetch("lead_image__renditions", queryset=NewsRendition.objects.all()),
        )
        .order_by("-first_published_at", "-pk")
    )


def attach_sections(articles: Iterable[ArticlePage]) -> None:
    """Set ``article.section`` for a list of articles with one query, not one per article."""
    articles = list(articles)
    parent_paths = {article.path[: -ArticlePage.steplen] for article in articles}
    sections = {section.path: section for section in SectionPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        article.section = sections.get(article.path[: -ArticlePage.steplen])


def paginate(queryset: Any, page_number: str | int | None, per_page: int | None = None) -> PaginatorPage:
    """One page of ``queryset``; a missing, malformed or too-large number gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.MASTHEAD_ARTICLES_PER_PAGE)
    page = paginator.get_page(page_number)
    attach_sections(item for item in page.object_list if isinstance(item, ArticlePage))
    return page


def home_page_content(*, home: HomePage, page_number: str | None) -> dict[str, Any]:
    """The lead story, the latest stories (paginated) and a block of recent stories per section."""
    articles = articles_for_lists(within=home)
    lead = home.featured_article if home.featured_article_id else None
    if lead is not None and not lead.live:
        lead = None
    if lead is None:
        lead = articles.first()
    latest = articles.exclude(pk=lead.pk) if lead else articles
    if lead:
        attach_sections([lead])
    section_blocks = []
    for section in SectionPage.objects.child_of(home).live().public().order_by("path"):
        block = list(articles.child_of(section)[:SECTION_BLOCK_SIZE])
        if block:
            attach_sections(block)
            section_blocks.append((section, block))
    return {"lead": lead, "latest": paginate(latest, page_number), "section_blocks": section_blocks}


def section_articles(*, section: SectionPage, page_number: str | None) -> PaginatorPage:
    return paginate(articles_for_lists().child_of(section), page_number)


def author_articles(*, author: AuthorPage, page_number: str | None) -> PaginatorPage:
    return paginate(articles_for_lists().filter(bylines__author=author), page_number)


def tag_articles(*, tag: Tag, root: Page | None, page_number: str | None) -> PaginatorPage:
    return paginate(articles_for_lists(within=root).filter(tags=tag), page_number)


def search_articles(*, query: str, root: Page | None, page_number: str | None) -> PaginatorPage:
    """Articles matching ``query`` (Wagtail's database search backend), best match first."""
    articles = ArticlePage.objects.live().public()
    if root is not None:
        articles = articles.descendant_of(root)
    # Only words reach the search backend: SQLite's FTS5 and PostgreSQL's tsquery each give
    # punctuation its own meaning, and a reader's quote mark must not become a syntax error.
    words = " ".join(re.findall(r"\w+", query))
    if not words:
        return Paginator(ArticlePage.objects.none(), settings.MASTHEAD_ARTICLES_PER_PAGE).get_page(1)
    results = articles.search(words, operator="and")
    page = Paginator(results, settings.MASTHEAD_ARTICLES_PER_PAGE).get_page(page_number)
    # Search results are ordered by relevance; fetch the teasers' extras for this page only.
    ids = [article.pk for article in page.object_list]
    by_id = {article.pk: article for article in articles_for_lists().filter(pk__in=ids)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    attach_sections(page.object_list)
    return page


def corrections(*, root: Page | None, page_number: str | None) -> PaginatorPage:
    """Corrections and updates on live articles, newest first (the /corrections/ page)."""
    items = ArticleCorrection.objects.filter(article__live=True).select_related("article")
    if root is not None:
        items = items.filter(article__path__startswith=root.path)
    return paginate(items.order_by("-published_at", "-pk"), page_number)


def feed_articles(
    *,
    root: Page | None,
    section: SectionPage | None = None,
    author: AuthorPage | None = None,
    limit: int = 30,
) -> list[ArticlePage]:
    articles = articles_for_lists(within=root).prefetch_related("tags")
    if section is not None:
        articles = articles.child_of(section)
    if author is not None:
        articles = articles.filter(bylines__author=author)
    result = list(articles[:limit])
    attach_sections(result)
    return result


def recent_news_articles(*, root: Page | None, now: datetime | None = None) -> list[ArticlePage]:
    """Articles first published in the last two days: what a Google News sitemap may list."""
    since = (now or timezone.now()) - timedelta(days=2)
    articles = articles_for_lists(within=root).filter(first_published_at__gte=since).prefetch_related("tags")
    return list(articles[:1000])


def overdue_pages(*, now: datetime | None = None) -> list[Page]:
    """Pages with a revision scheduled to go live before ``now`` that is still waiting.

    ``publish_scheduled`` (run every minute) publishes these; any listed here means the
    scheduler is late or stopped, so editors see them on the admin dashboard.
    """
    now = now or timezone.now()
    page_ids = Revision.page_revisions.filter(approved_go_live_at__lt=now).values_list("object_id", flat=True)
    return list(Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).order_by("pk")[:50])


def demo_map_article() -> ArticlePage | None:
    """The demo's article with a map; the discussion demo attaches its conversation to it."""
    return ArticlePage.objects.filter(slug=DEMO_MAP_ARTICLE_SLUG).first()
