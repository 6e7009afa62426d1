from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.utils import timezone

from tests.publishing.factories import make_article

NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _feed(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(("url", "version"), [("/feeds/rss.xml", "rss20"), ("/feeds/atom.xml", "atom10")])
def test_site_feeds_list_newest_articles_first_with_absolute_links(client, site_tree, url, version):
    feed = _feed(client, url)
    assert feed.version == version
    assert [entry.title for entry in feed.entries] == [
        a.title for a in (site_tree.budget, site_tree.flood, site_tree.older)
    ]
    first = feed.entries[0]
    assert first.link == f"http://testserver{site_tree.budget.url}"
    assert first.summary == site_tree.budget.standfirst
    assert "Politics" in [tag.term for tag in first.tags]
    assert "Ana Ruiz" in first.author


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_feed_has_only_that_sections_articles(client, site_tree, kind):
    feed = _feed(client, f"/feeds/sections/environment/{kind}.xml")
    assert [entry.title for entry in feed.entries] == [site_tree.flood.title]
    assert feed.feed.title.endswith("Environment")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_author_feed_has_only_that_authors_articles(client, site_tree, kind):
    feed = _feed(client, f"/feeds/authors/ana-ruiz/{kind}.xml")
    assert [entry.title for entry in feed.entries] == [site_tree.budget.title, site_tree.older.title]


def test_feed_of_unknown_section_is_404(client, site_tree):
    assert client.get("/feeds/sections/sport/rss.xml").status_code == 404
    assert client.get("/feeds/authors/nobody/atom.xml").status_code == 404


def test_unpublished_article_leaves_the_feed(client, site_tree):
    site_tree.budget.unpublish()
    titles = [entry.title for entry in _feed(client, "/feeds/rss.xml").entries]
    assert site_tree.budget.title not in titles


def test_sitemap_lists_every_live_page(client, site_tree):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = {element.text for element in root.iter(f"{SITEMAP}loc")}
    for page in (site_tree.budget, site_tree.flood, site_tree.older, site_tree.politics, site_tree.ana):
        assert f"http://testserver{page.url}" in locations


def test_news_sitemap_lists_only_articles_of_the_last_two_days(client, site_tree):
    make_article(
        title="Yesterday's story",
        section=site_tree.politics,
        published_at=timezone.now() - timedelta(hours=40),
    )
    root = ElementTree.fromstring(client.get("/news-sitemap.xml").content)
    titles = [element.text for element in root.iter(f"{NEWS}title")]
    assert titles == [site_tree.budget.title, "Yesterday's story"]
    dates = [element.text for element in root.iter(f"{NEWS}publication_date")]
    assert dates[0] == site_tree.budget.first_published_at.isoformat()
