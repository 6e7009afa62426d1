from __future__ import annotations

import json
import re

from masthead.publishing.models import ArticleCorrection
from tests.publishing.factories import make_article


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_article_json_ld_is_a_news_article_with_authors_dates_image_section_and_corrections(
    client, site_tree
):
    data = _json_ld(client.get(site_tree.budget.url).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == site_tree.budget.title
    assert data["datePublished"] == site_tree.budget.first_published_at.isoformat()
    assert [author["name"] for author in data["author"]] == ["Ana Ruiz", "Tomás Varga"]
    assert data["author"][0]["url"] == site_tree.ana.full_url == f"http://testserver{site_tree.ana.url}"
    assert data["articleSection"] == "Politics"
    assert data["image"][0].startswith("http://testserver/media/images/") and ".jpg" in data["image"][0]
    correction = ArticleCorrection.objects.get(article=site_tree.budget)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": correction.published_at.isoformat(),
        }
    ]
    assert data["mainEntityOfPage"]["@id"] == f"http://testserver{site_tree.budget.url}"


def test_json_ld_cannot_be_closed_by_a_headline(client, site_tree):
    article = make_article(
        title="</script><script>alert(1)</script> & more", section=site_tree.politics, slug="hostile"
    )
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(html)["headline"] == article.title


def test_article_has_canonical_open_graph_and_twitter_tags(client, site_tree):
    html = client.get(site_tree.budget.url).content.decode()
    canonical = f"http://testserver{site_tree.budget.url}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/images/[^"]+">', html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_list_pages_have_canonical_urls_with_page_number(client, site_tree, settings):
    settings.MASTHEAD_ARTICLES_PER_PAGE = 1
    html = client.get(site_tree.politics.url + "?page=2&utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{site_tree.politics.url}?page=2">' in html
