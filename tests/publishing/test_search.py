from tests.publishing.factories import make_article, paragraph


def test_search_finds_live_articles_by_body_and_headline(client, site_tree):
    html = client.get("/search/", {"q": "metres"}).content.decode()
    assert site_tree.flood.title in html
    assert site_tree.budget.title not in html
    assert "1 result for" in html


def test_search_skips_drafts(client, site_tree):
    make_article(title="Secret draft about metres", section=site_tree.politics, live=False)
    html = client.get("/search/", {"q": "secret"}).content.decode()
    assert "Secret draft" not in html and "0 results" in html


def test_search_results_are_paginated(client, site_tree, settings):
    settings.MASTHEAD_ARTICLES_PER_PAGE = 2
    for number in range(3):
        make_article(
            title=f"Harbour report {number}",
            section=site_tree.climate,
            body=[paragraph("The harbour froze.")],
        )
    first = client.get("/search/", {"q": "harbour"}).content.decode()
    second = client.get("/search/", {"q": "harbour", "page": 2}).content.decode()
    assert "3 results" in first and first.count('class="teaser"') == 2
    assert second.count('class="teaser"') == 1 and "q=harbour&amp;page=1" in second


def test_empty_and_hostile_queries_are_handled(client, site_tree):
    assert client.get("/search/").status_code == 200
    response = client.get("/search/", {"q": '"><script>alert(1)</script>' * 20})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
