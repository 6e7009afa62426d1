"""Build publishing content for tests (any app's tests may use these).

The simplest call needs nothing else::

    article = make_article(title="Floods close the coast road")   # home + section made for you
    section = make_section(title="Politics")
    article = ArticlePageFactory(title="…", section=section, authors=[make_author(title="Ana Ruiz")])

Articles are published through Wagtail (a revision, ``page_published`` fires), so they are
live, have ``first_published_at`` and purge the page cache like real ones.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import factory
from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from masthead.publishing.models import (
    ArticleByline,
    ArticleCorrection,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    NewsImage,
    SectionPage,
)


def make_image(
    *,
    title: str = "Harbour at dawn",
    credit: str = "Photo: Test Desk",
    licence: str = "CC BY 4.0",
    width: int = 640,
    height: int = 400,
    color: tuple[int, int, int] = (40, 90, 140),
) -> NewsImage:
    if Collection.get_first_root_node() is None:  # flushed by a live-server test
        Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format="PNG")
    file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{slugify(title) or 'image'}.png")
    return NewsImage.objects.create(title=title, file=file, credit=credit, licence=licence)


def make_home(*, title: str = "The Test Courier") -> HomePage:
    """The site's home page, made once and set as the default Site's root."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    # After a live-server test's flush, what Wagtail's migrations made is gone: remake it.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    # Wagtail's migration leaves a "Welcome" page with the slug we want; it is not ours.
    for welcome in root.get_children().filter(slug="home"):
        if not isinstance(welcome.specific, HomePage):
            welcome.delete()
    home = _publish_child(root, HomePage(title=title, slug="home"))
    # "testserver" is the Django test client's host, so full URLs (canonical, feeds,
    # sitemaps) in tests match what the client requests.
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = "testserver", 80, home, title
    site.save()
    return home


def _publish_child(parent: Page, page: Page) -> Page:
    # Container pages are created live without a revision: it keeps fixtures fast, and
    # nothing about sections or authors depends on their publishing history.
    page.first_published_at = page.last_published_at = timezone.now()
    parent.add_child(instance=page)
    return page


def make_section(
    *, title: str = "World", slug: str | None = None, intro: str = "", home: HomePage | None = None
) -> SectionPage:
    home = home or make_home()
    slug = slug or slugify(title)
    existing = SectionPage.objects.child_of(home).filter(slug=slug).first()
    if existing is not None:
        return existing
    return _publish_child(home, SectionPage(title=title, slug=slug, intro=intro))  # type: ignore[return-value]


def make_author(
    *,
    title: str = "Mira Holm",
    slug: str | None = None,
    role: str = "Reporter",
    bio: str = "",
    home: HomePage | None = None,
) -> AuthorPage:
    home = home or make_home()
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = _publish_child(home, AuthorIndexPage(title="Authors", slug="authors"))
    slug = slug or slugify(title)
    existing = AuthorPage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return _publish_child(
        index, AuthorPage(title=title, slug=slug, role=role, bio=bio or f"<p>{title} reports.</p>")
    )  # type: ignore[return-value]


def paragraph(text: str) -> tuple[str, str]:
    return ("paragraph", f"<p>{text}</p>")


def make_article(
    *,
    title: str = "Council votes to reopen the river ferry",
    section: SectionPage | None = None,
    authors: list[AuthorPage] | None = None,
    standfirst: str = "The crossing closed in spring; councillors say it will run again by winter.",
    body: list[tuple[str, Any]] | None = None,
    dateline: str = "PORT ELLIS",
    tags: list[str] | None = None,
    lead_image: NewsImage | None = None,
    lead_image_alt: str = "",
    lead_image_caption: str = "",
    published_at: datetime | None = None,
    updated_at: datetime | None = None,
    corrections: list[str] | None = None,
    slug: str | None = None,
    live: bool = True,
) -> ArticlePage:
    """An article in ``section`` (a default section if none), by ``authors`` (one made if none).

    ``body`` is a list of StreamField ``(block_type, value)`` pairs; ``published_at`` backdates it.
    ``live=False`` leaves it as an unpublished draft.
    """
    section = section or make_section()
    authors = authors if authors is not None else [make_author()]
    article = ArticlePage(
        title=title,
        slug=slug or slugify(title)[:80] or "article",
        standfirst=standfirst,
        dateline=dateline,
        body=body if body is not None else [paragraph("The ferry carried four hundred people a day.")],
        lead_image=lead_image,
        lead_image_alt=lead_image_alt or (f"Photo for {title}" if lead_image else ""),
        lead_image_caption=lead_image_caption,
        updated_at=updated_at,
        live=live,
    )
    for position, author in enumerate(authors):
        article.bylines.add(ArticleByline(author=author, sort_order=position))
    for text in corrections or []:
        article.corrections.add(ArticleCorrection(text=text, published_at=published_at or timezone.now()))
    if tags:
        article.tags.add(*tags)
    section.add_child(instance=article)
    revision = article.save_revision()
    if live:
        revision.publish()
        if published_at is not None:
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=published_at, last_published_at=published_at
            )
    article.refresh_from_db()
    return article


class ArticlePageFactory(factory.Factory):
    """factory_boy front for :func:`make_article`: ``ArticlePageFactory(title=…, section=…)``."""

    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Test story number {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> ArticlePage:
        return make_article(**kwargs)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> ArticlePage:
        return make_article(**kwargs)
