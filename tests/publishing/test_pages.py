"""The public pages over HTTP: what a reader sees, and what the other apps' slots get."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from masthead.core import slots
from tests.publishing.factories import make_article


@pytest.fixture
def slot_probe() -> Iterator[None]:
    """Register a renderer in each slot publishing provides, then take them out again."""

    def renderer_for(name):  # type: ignore[no-untyped-def]
        def render(context):  # type: ignore[no-untyped-def]
            article = context.get("article")
            suffix = f":{article.pk}" if name == "article_meta" and article is not None else ""
            return f"<!--slot:{name}{suffix}-->"

        return render

    added = {
        name: renderer_for(name)
        for name in ("page_top", "head", "article_end", "article_discussion", "article_meta")
    }
    for name, renderer in added.items():
        slots.register(name, renderer, order=999)
    yield
    for name, renderer in added.items():
        slots._registry[name] = [entry for entry in slots._registry[name] if entry.renderer is not renderer]


def test_home_shows_lead_story_latest_and_section_blocks(client, site_tree):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    lead = html.index('class="lead-story"')
    assert html.index(escape(site_tree.budget.title)) > lead  # newest story leads
    assert 'id="latest-heading"' in html
    assert f'id="section-{site_tree.politics.pk}"' in html and f'id="section-{site_tree.climate.pk}"' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html


def test_featured_article_leads_the_home_page(client, site_tree):
    site_tree.home.featured_article = site_tree.older
    site_tree.home.save_revision().publish()
    html = client.get("/").content.decode()
    lead_section = html[html.index('class="lead-story"') : html.index('id="latest-heading"')]
    assert site_tree.older.title in lead_section


def test_article_page_shows_headline_byline_dates_dateline_tags_and_correction(client, site_tree):
    html = client.get(site_tree.budget.url).content.decode()
    assert f'<h1 class="headline">{escape(site_tree.budget.title)}</h1>' in html
    assert (
        f'<a href="{site_tree.ana.url}" rel="author">Ana Ruiz</a> and <a href="{site_tree.tomas.url}" rel="author">Tomás Varga</a>'
        in html
    )
    assert '<p class="dateline">LINDHAVEN —</p>' in html
    assert f'datetime="{site_tree.budget.first_published_at.isoformat()}"' in html
    assert "An earlier version gave the wrong size of the clinic fund." in html
    assert '<a href="/tags/budget/">budget</a>' in html
    assert "Photo: Lena Ortiz" in html and "CC BY 4.0" in html
    assert f'<a href="{site_tree.budget.lite_url()}">Read the lite edition of this story</a>' in html


def test_article_places_slots_in_order(client, site_tree, slot_probe):
    html = client.get(site_tree.budget.url).content.decode()
    body_end = html.index('class="article-footer"')
    assert html.index("<!--slot:page_top-->") < html.index('class="site-header"')
    assert html.index("<!--slot:head-->") < html.index("</head>")
    discussion = html.index('<section id="discussion" aria-label="Discussion">')
    assert (
        body_end
        < html.index("<!--slot:article_end-->")
        < discussion
        < html.index("<!--slot:article_discussion-->")
    )
    assert html.index("</section>", html.index("<!--slot:article_discussion-->")) < html.index("</main>")


@pytest.mark.parametrize("url_name", ["home", "section", "tag", "author"])
def test_every_teaser_carries_the_article_meta_slot(client, site_tree, slot_probe, url_name):
    url = {
        "home": "/",
        "section": site_tree.politics.url,
        "tag": "/tags/assembly/",
        "author": site_tree.ana.url,
    }[url_name]
    html = client.get(url).content.decode()
    for article in (site_tree.budget, site_tree.older):
        assert f"<!--slot:article_meta:{article.pk}-->" in html


def test_map_block_shows_caption_credit_and_full_size_link_to_the_original(client, site_tree):
    html = client.get(site_tree.flood.url).content.decode()
    original = site_tree.map_image.file.url
    assert f'<a class="figure__full-size" href="{original}">Click to see the full-size map' in html
    assert "Flooded areas on Tuesday" in html and "Map: Test Desk" in html and "CC BY-SA 4.0" in html
    assert client.get(original).status_code == 200


def test_images_are_responsive_webp_with_dimensions_and_alt(client, site_tree):
    html = client.get(site_tree.flood.url).content.decode()
    img = re.search(r'<img[^>]*alt="Map of the delta with flooded villages shaded"[^>]*>', html).group(0)
    assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
    assert "srcset=" in img and ".webp" in img and "sizes=" in img


def test_public_html_has_no_inline_script_or_style(client, site_tree):
    for url in ["/", site_tree.politics.url, site_tree.budget.url, site_tree.flood.url, site_tree.ana.url]:
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all('type="application/ld+json"' in tag or "src=" in tag for tag in scripts), url
        assert " style=" not in html and "<style" not in html, url


def test_unpublished_article_is_not_found(client, site_tree):
    draft = make_article(title="Embargoed story", section=site_tree.politics, live=False)
    assert client.get(f"/politics/{draft.slug}/").status_code == 404
    site_tree.older.unpublish()
    assert client.get("/politics/opposition-names-a-new-leader/").status_code == 404


def test_section_page_lists_only_its_articles_paginated(client, site_tree, settings):
    settings.MASTHEAD_ARTICLES_PER_PAGE = 1
    first = client.get(site_tree.politics.url).content.decode()
    second = client.get(site_tree.politics.url + "?page=2").content.decode()
    assert site_tree.budget.title in first and site_tree.older.title not in first
    assert site_tree.older.title in second and 'rel="prev"' in second
    assert site_tree.flood.title not in first + second
    assert client.get(site_tree.politics.url + "?page=banana").status_code == 200


def test_author_and_tag_pages_list_their_articles(client, site_tree):
    author_html = client.get(site_tree.tomas.url).content.decode()
    assert site_tree.flood.title in author_html and site_tree.budget.title in author_html
    assert site_tree.older.title not in author_html
    tag_html = client.get("/tags/assembly/").content.decode()
    assert escape(site_tree.budget.title) in tag_html and site_tree.older.title in tag_html
    assert client.get("/tags/no-such-topic/").status_code == 404


def test_corrections_page_lists_corrections_with_links(client, site_tree):
    html = client.get("/corrections/").content.decode()
    correction = site_tree.budget.corrections.get()
    assert f"{site_tree.budget.url}#correction-{correction.pk}" in html
    assert correction.text in html


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def only_publishing_slots() -> Iterator[None]:
    """Take other apps' slot renderers out, so a query count measures publishing alone."""
    saved = {name: list(entries) for name, entries in slots._registry.items()}
    slots._registry.clear()
    yield
    slots._registry.clear()
    slots._registry.update(saved)


@pytest.mark.parametrize("url_name", ["home", "section", "tag", "author"])
def test_list_pages_use_a_fixed_number_of_queries(
    client, site_tree, url_name, settings, only_publishing_slots
):
    settings.MASTHEAD_PAGE_CACHE = False
    url = {
        "home": "/",
        "section": site_tree.politics.url,
        "tag": "/tags/assembly/",
        "author": site_tree.ana.url,
    }[url_name]

    def add_articles(count: int, start: int) -> int:
        for number in range(start, start + count):
            make_article(
                title=f"Extra assembly story {number}",
                section=site_tree.politics,
                authors=[site_tree.ana],
                tags=["assembly"],
                lead_image=site_tree.photo,
            )
        _queries(client, url)  # renditions are made on first view
        return _queries(client, url)

    before = add_articles(2, 0)
    after = add_articles(5, 2)
    # Five more teasers must not mean more queries (one of slack: on PostgreSQL Wagtail's
    # routing occasionally differs by a query between two identical requests).
    assert after <= before + 1, f"{url}: {before} queries with 5 articles, {after} with 10"
    assert before <= 30  # Wagtail routing and site lookup, one query per home section block


def test_an_article_leaves_a_readers_message_to_the_account_pages(client, reader, site_tree):  # type: ignore[no-untyped-def]
    # Articles are served from a frame shared by every reader: it must never take in one
    # reader's flash message ("Successfully signed in as ...").
    client.post("/accounts/login/", {"login": reader.email, "password": "correct horse 42"})
    assert "Successfully signed in" not in client.get(site_tree.budget.url).content.decode()
    assert "Successfully signed in" in client.get("/accounts/email/").content.decode()
