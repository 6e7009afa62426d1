from __future__ import annotations

import re

from tests.publishing.factories import make_article, paragraph

LIMIT = 20 * 1024


def _assert_lite(html: str) -> None:
    assert len(html.encode()) < LIMIT
    for forbidden in (
        "<img",
        "<script",
        "<style",
        " style=",
        '<link rel="stylesheet"',
        "@font-face",
        "<iframe",
        "<picture",
    ):
        assert forbidden not in html, forbidden


def test_lite_home_lists_articles_linking_to_lite_versions(client, site_tree):
    response = client.get("/lite/")
    html = response.content.decode()
    assert response.status_code == 200
    _assert_lite(html)
    assert f'href="{site_tree.budget.lite_url()}"' in html


def test_lite_article_is_text_only_with_captions_instead_of_images(client, site_tree):
    html = client.get(site_tree.flood.lite_url()).content.decode()
    _assert_lite(html)
    assert "<h1>Floodwater reaches the delta villages</h1>" in html
    assert "[Map: Flooded areas on Tuesday]" in html
    assert "We left with what we could carry." in html
    assert f'href="{site_tree.flood.url}"' in html


def test_lite_article_strips_images_embedded_in_rich_text(client, site_tree):
    body = [
        paragraph(
            f'Before <embed embedtype="image" id="{site_tree.photo.pk}" format="fullwidth" alt="x"/> after'
        )
    ]
    article = make_article(title="Rich text with an image", section=site_tree.politics, body=body)
    html = client.get(article.lite_url()).content.decode()
    _assert_lite(html)
    assert "Before" in html and "after" in html


def test_long_article_lite_page_stays_under_20_kb(client, site_tree):
    body = [
        paragraph("The assembly met again on the flood fund, and the debate went on late. " * 12)
        for _ in range(14)
    ]
    article = make_article(title="A long read", section=site_tree.politics, body=body)
    html = client.get(article.lite_url()).content.decode()
    assert len(re.findall("<p>", html)) >= 14
    _assert_lite(html)


def test_lite_shows_corrections_and_404s_for_unknown_or_unpublished(client, site_tree):
    assert (
        "An earlier version gave the wrong size" in client.get(site_tree.budget.lite_url()).content.decode()
    )
    assert client.get("/lite/politics/no-such-story/").status_code == 404
    site_tree.older.unpublish()
    assert client.get(site_tree.older.lite_url()).status_code == 404


def test_full_article_page_weight_is_under_100_kb(client, site_tree):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    html = client.get(site_tree.flood.url).content.decode()
    assets = re.findall(r'href="/static/([^"]+\.css)"', html) + re.findall(r'src="/static/([^"]+\.js)"', html)
    assert "masthead/site.css" in assets
    total = len(html.encode()) + sum(Path(finders.find(asset)).stat().st_size for asset in assets)
    assert total < 100 * 1024
