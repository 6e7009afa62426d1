"""The bar on every page and the call to action under articles, through core's template slots."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory

from masthead.funding.models import FundingSettings
from tests.funding.factories import offline_gift
from tests.publishing.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def render(source, **context):
    request = RequestFactory().get("/")
    return engines["django"].from_string(source).render(context, request)


def bar_html(**context):
    return render('{% load masthead_core %}{% slot "page_top" %}', **context)


def labels(html):
    return re.findall(r'<li class="funding-bar__label">([^<]*)</li>', html)


def test_the_bar_reads_like_the_seed(campaign):
    offline_gift(campaign, amount=111_400)
    html = bar_html()
    assert labels(html) == ["0 $", "2,350 $", "4,700 $"]
    assert '<strong class="funding-bar__amount">1,114 $</strong>' in html
    assert 'role="progressbar"' in html
    assert 'aria-valuemin="0" aria-valuemax="4700" aria-valuenow="1114"' in html
    assert 'aria-valuetext="1,114 $ raised of 4,700 $"' in html
    assert '<rect class="funding-bar__fill" x="0" y="0" width="23.7%" height="12">' in html


def test_the_bar_has_no_inline_style_or_script(campaign):
    offline_gift(campaign, amount=111_400)
    html = bar_html()
    assert "style" not in html.replace("stylesheet", "")
    assert "<script" not in html


def test_the_fill_stops_at_the_goal_and_never_goes_below_zero(campaign):
    offline_gift(campaign, amount=600_000)
    assert 'width="100.0%"' in bar_html()


def test_no_campaign_no_bar(site):
    assert bar_html().strip() == ""


def test_the_site_setting_writes_the_symbol_before(campaign, site):
    settings = FundingSettings.for_site(site)
    settings.symbol_after = False
    settings.save()
    assert labels(bar_html()) == ["$0", "$2,350", "$4,700"]


def test_the_bar_follows_a_gift_once_it_commits(campaign, django_capture_on_commit_callbacks):
    assert '<strong class="funding-bar__amount">0 $</strong>' in bar_html()
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift(campaign, amount=50_000)
    assert '<strong class="funding-bar__amount">500 $</strong>' in bar_html()


def test_the_fragment_url_has_short_public_cache_headers(client, campaign):
    offline_gift(campaign, amount=111_400)
    response = client.get("/support/bar")
    assert response.status_code == 200
    assert labels(response.content.decode()) == ["0 $", "2,350 $", "4,700 $"]
    assert response["Cache-Control"] == "public, max-age=10, stale-while-revalidate=30"


def test_the_base_template_carries_the_bar_and_the_stylesheet(campaign, rf):
    html = engines["django"].get_template("base.html").render({}, rf.get("/"))
    assert html.index('class="funding-bar"') < html.index('class="site-header"')
    assert "/static/funding/funding.css" in html


def test_call_to_action_links_to_the_donation_page_with_the_article(campaign, site):
    article = make_article(title="Harbour dredging starts")
    html = render('{% load masthead_core %}{% slot "article_end" %}', page=article)
    assert "Do you like this content? Consider helping us!" in html
    assert f'href="/support/?article={article.pk}"' in html


def test_editors_set_the_call_to_action_per_site(campaign, site):
    settings = FundingSettings.for_site(site)
    settings.call_to_action = "Reporting costs money. Chip in?"
    settings.save()
    html = render('{% load masthead_core %}{% slot "article_end" %}')
    assert "Reporting costs money. Chip in?" in html
    assert 'href="/support/"' in html


def test_the_article_page_shows_bar_and_call_to_action_and_the_cached_copy_moves_with_a_gift(
    client, campaign, django_capture_on_commit_callbacks
):
    section = make_section(title="Harbour")
    article = make_article(title="Dredging begins at the north quay", section=section)
    offline_gift(campaign, amount=111_400)
    first = client.get(article.url)
    assert first.status_code == 200
    html = first.content.decode()
    assert labels(html) == ["0 $", "2,350 $", "4,700 $"]
    assert f'href="/support/?article={article.pk}"' in html
    assert client.get(article.url)["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        offline_gift(campaign, amount=10_000)
    after = client.get(article.url)
    assert after["X-Cache"] == "MISS"
    assert '<strong class="funding-bar__amount">1,214 $</strong>' in after.content.decode()


def test_home_and_section_pages_show_the_bar(client, campaign):
    section = make_section(title="Harbour")
    for url in ("/", section.url):
        html = client.get(url).content.decode()
        assert labels(html) == ["0 $", "2,350 $", "4,700 $"], url
