"""With LANGUAGE_FROM_BROWSER on, shared copies are kept per language; off, one for all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from masthead.core import pagecache
from masthead.publishing.models import ArticlePage

LOCALE = "django.middleware.locale.LocaleMiddleware"


@pytest.fixture
def browser_language(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_FROM_BROWSER = True
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1, LOCALE)
    settings.MIDDLEWARE = middleware
    return settings


def _march(site_tree) -> str:  # type: ignore[no-untyped-def]
    # Django names the month in the active language: "März" in German.
    ArticlePage.objects.filter(pk=site_tree.budget.pk).update(
        first_published_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    )
    pagecache.bump(f"page:{site_tree.budget.pk}")
    return site_tree.budget.url


def test_each_browser_language_gets_its_own_cached_article(client, site_tree, browser_language):  # type: ignore[no-untyped-def]
    url = _march(site_tree)
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    german_again = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    english_again = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert german["X-Cache"] == "MISS" and english["X-Cache"] == "MISS"
    assert german_again["X-Cache"] == "HIT" and english_again["X-Cache"] == "HIT"
    assert "10 März 2026" in german.content.decode() and "10 März 2026" in german_again.content.decode()
    assert "10 March 2026" in english.content.decode() and "10 March 2026" in english_again.content.decode()
    assert "accept-language" in german_again["Vary"].lower()
    # The page's own language is the newsroom's, whatever the browser asked Django's texts in.
    assert '<html lang="en-us">' in german.content.decode()


def test_without_browser_language_every_reader_gets_the_sites_copy(client, site_tree):  # type: ignore[no-untyped-def]
    url = _march(site_tree)
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    second = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert "10 March 2026" in first.content.decode() and "März" not in first.content.decode()


@pytest.mark.django_db
def test_shared_fragments_are_kept_per_active_language(browser_language):  # type: ignore[no-untyped-def]
    renders: list[str] = []

    def render() -> str:
        renders.append(translation.get_language())
        return f"<p>{translation.get_language()}</p>"

    with translation.override("de"):
        assert pagecache.cached_fragment("probe", ["probe-scope"], render, timeout=60) == "<p>de</p>"
    with translation.override("fr"):
        assert pagecache.cached_fragment("probe", ["probe-scope"], render, timeout=60) == "<p>fr</p>"
    with translation.override("de"):
        assert pagecache.cached_fragment("probe", ["probe-scope"], render, timeout=60) == "<p>de</p>"
    assert renders == ["de", "fr"]


@pytest.mark.django_db
def test_shared_fragments_are_one_copy_when_the_site_speaks_one_language(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_FROM_BROWSER = False
    with translation.override("de"):
        assert (
            pagecache.cached_fragment("probe", ["probe-scope"], lambda: "<p>one</p>", timeout=60)
            == "<p>one</p>"
        )
    with translation.override("fr"):
        assert (
            pagecache.cached_fragment("probe", ["probe-scope"], lambda: "<p>two</p>", timeout=60)
            == "<p>one</p>"
        )
