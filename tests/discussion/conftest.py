"""Discussion fixtures: an article page (a plain Wagtail page until publishing's factory lands)."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from masthead.discussion import services


def make_article(title: str = "Floods reach the valley", slug: str | None = None) -> Page:
    """A published ArticlePage (publishing's factory), served by the real article template."""
    from tests.publishing.factories import make_article as publishing_article

    return publishing_article(title=title, slug=slug)


@pytest.fixture(autouse=True)
def _post_moderation(settings):  # type: ignore[no-untyped-def]
    """Comments publish at once unless a test switches moderation to "pre"."""
    settings.MODERATION_MODE = "post"
    settings.MODERATION_OFFENSIVE_MODEL = False


def make_plain_page(title: str = "Floods reach the valley") -> Page:
    """A bare Wagtail page under the root: enough for service and selector tests, and fast."""
    from django.utils import timezone
    from django.utils.text import slugify

    root = Page.objects.get(depth=1)
    page = Page(title=title, slug=slugify(title), live=True, first_published_at=timezone.now())
    root.add_child(instance=page)
    return page


@pytest.fixture
def article(db) -> Page:  # type: ignore[no-untyped-def]
    return make_plain_page()


@pytest.fixture
def news_article(db) -> Page:  # type: ignore[no-untyped-def]
    """A real published ArticlePage, rendered by publishing's template with the discussion slot."""
    return make_article()


@pytest.fixture
def thread(article):  # type: ignore[no-untyped-def]
    return services.thread_for_page(page=article)


@pytest.fixture
def post(thread):  # type: ignore[no-untyped-def]
    """``post(author, body, parent=None)``: a comment through the real service."""

    def _post(author, body: str = "A thought.", parent=None, **extra):  # type: ignore[no-untyped-def]
        return services.comment_create(thread=thread, author=author, body=body, parent=parent, **extra)

    return _post
