"""RSS 2.0 and Atom feeds for the whole site, each section and each author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from masthead.publishing import caching, selectors
from masthead.publishing.models import ArticlePage, AuthorPage, SectionPage


@dataclass(frozen=True)
class FeedSource:
    """What one request's feed is about. Feed instances are shared by threads, so the
    request travels here rather than on ``self``."""

    request: HttpRequest
    page: SectionPage | AuthorPage | None = None


class _ArticleFeed(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        return caching.mark_public(request, response, scopes=["site"])

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        return FeedSource(request)

    def title(self, obj: FeedSource) -> str:
        return f"{settings.SITE_NAME}: {obj.page.title}" if obj.page is not None else settings.SITE_NAME

    def link(self, obj: FeedSource) -> str:
        return obj.page.get_url(obj.request) if obj.page is not None else "/"

    def description(self, obj: FeedSource) -> str:
        if isinstance(obj.page, SectionPage):
            return obj.page.intro or f"Latest stories from {obj.page.title}."
        if isinstance(obj.page, AuthorPage):
            return f"Stories by {obj.page.title}."
        return f"Latest stories from {settings.SITE_NAME}."

    subtitle = description

    def items(self, obj: FeedSource) -> list[ArticlePage]:
        root = selectors.site_root(obj.request)
        section = obj.page if isinstance(obj.page, SectionPage) else None
        author = obj.page if isinstance(obj.page, AuthorPage) else None
        articles = selectors.feed_articles(root=root, section=section, author=author)
        for article in articles:
            article._feed_request = obj.request  # type: ignore[attr-defined]
        return articles

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.standfirst

    def item_link(self, item: ArticlePage) -> str:
        return item.get_url(getattr(item, "_feed_request", None))

    def item_pubdate(self, item: ArticlePage) -> datetime:
        return item.published_at

    def item_updateddate(self, item: ArticlePage) -> datetime:
        return item.updated_at or item.last_published_at or item.published_at

    def item_author_name(self, item: ArticlePage) -> str:
        return ", ".join(byline.author.title for byline in item.bylines.all())

    def item_categories(self, item: ArticlePage) -> list[str]:
        categories = [item.section.title] if item.section else []
        return categories + [tag.name for tag in item.tags.all()]


class SiteFeed(_ArticleFeed):
    pass


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed


class SectionFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        root = selectors.site_root(request)
        sections = SectionPage.objects.live().public()
        if root is not None:
            sections = sections.child_of(root)
        return FeedSource(request, get_object_or_404(sections, slug=kwargs["slug"]))


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed


class AuthorFeed(_ArticleFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedSource:
        return FeedSource(request, get_object_or_404(AuthorPage.objects.live().public(), slug=kwargs["slug"]))


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
