"""The anonymous page cache: CDN headers, server-side hits, and purges when things change."""

from __future__ import annotations

from django.http import HttpResponse

from masthead.core import pagecache
from masthead.publishing import caching
from masthead.publishing.models import ArticlePage


def test_anonymous_article_gets_cdn_headers_and_is_served_from_cache_second_time(client, site_tree):
    first = client.get(site_tree.budget.url)
    second = client.get(site_tree.budget.url)
    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert first["Cache-Control"] == "public, max-age=60, s-maxage=300, stale-while-revalidate=600"
    assert second["Cache-Control"] == first["Cache-Control"]
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_cache_hit_runs_no_database_query_for_the_page(client, site_tree, django_assert_max_num_queries):
    client.get(site_tree.budget.url)
    # Two cache reads (entry, scope versions); the database cache answers each with one query.
    with django_assert_max_num_queries(2):
        assert client.get(site_tree.budget.url)["X-Cache"] == "HIT"


def test_publishing_a_change_purges_the_article_and_the_lists(client, site_tree):
    client.get(site_tree.budget.url), client.get("/")
    article = ArticlePage.objects.get(pk=site_tree.budget.pk)
    article.title = "Assembly passes a budget at dawn"
    article.save_revision().publish()
    page = client.get(site_tree.budget.url)
    home = client.get("/")
    assert page["X-Cache"] == "MISS" and "Assembly passes a budget at dawn" in page.content.decode()
    assert home["X-Cache"] == "MISS" and "Assembly passes a budget at dawn" in home.content.decode()


def test_unpublishing_purges_the_cached_page(client, site_tree):
    assert client.get(site_tree.older.url).status_code == 200
    site_tree.older.unpublish()
    assert client.get(site_tree.older.url).status_code == 404


def test_page_scope_bump_purges_only_that_page(client, site_tree):
    client.get(site_tree.budget.url), client.get(site_tree.flood.url)
    pagecache.bump(f"page:{site_tree.budget.pk}")  # what discussion does on a new comment
    assert client.get(site_tree.budget.url)["X-Cache"] == "MISS"
    assert client.get(site_tree.flood.url)["X-Cache"] == "HIT"


def test_funding_bump_purges_pages_showing_the_bar(client, site_tree):
    client.get(site_tree.budget.url)
    pagecache.bump("funding")
    assert client.get(site_tree.budget.url)["X-Cache"] == "MISS"


def test_signed_in_reader_gets_private_uncached_pages(client, site_tree, reader):
    client.get(site_tree.budget.url)  # cached for anonymous readers
    client.force_login(reader)
    response = client.get(site_tree.budget.url)
    assert "X-Cache" not in response or response["X-Cache"] == "MISS"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    client.logout()
    client.cookies.clear()
    assert client.get(site_tree.budget.url)["X-Cache"] == "HIT"


def test_discussion_sort_cookie_is_part_of_the_key(client, site_tree):
    client.get(site_tree.budget.url)
    client.cookies["discussion_sort"] = "newest"
    assert client.get(site_tree.budget.url)["X-Cache"] == "MISS"
    assert client.get(site_tree.budget.url)["X-Cache"] == "HIT"


def test_head_is_served_from_the_cache_without_a_body(client, site_tree):
    client.get(site_tree.budget.url)
    response = client.head(site_tree.budget.url)
    assert response["X-Cache"] == "HIT" and response.content == b""


def test_query_string_is_part_of_the_key(client, site_tree):
    client.get(site_tree.politics.url)
    assert client.get(site_tree.politics.url + "?page=2")["X-Cache"] == "MISS"


def test_search_and_not_found_pages_are_not_cached(client, site_tree):
    client.get("/search/?q=budget"), client.get("/no-such-page/")
    assert client.get("/search/?q=budget")["X-Cache"] == "MISS"
    assert client.get("/no-such-page/")["X-Cache"] == "MISS"


def test_responses_that_set_cookies_or_use_csrf_are_never_stored(rf, db):
    def view_with(mutator):  # type: ignore[no-untyped-def]
        def view(request):  # type: ignore[no-untyped-def]
            response = caching.mark_public(request, HttpResponse("page"), scopes=["site"])
            mutator(request, response)
            return response

        return view

    def csrf(request, response):  # type: ignore[no-untyped-def]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True

    def cookie(request, response):  # type: ignore[no-untyped-def]
        response.set_cookie("seen", "1")

    def private(request, response):  # type: ignore[no-untyped-def]
        response["Cache-Control"] = "private"

    def nothing(request, response):  # type: ignore[no-untyped-def]
        return None

    for name, mutator, stored in [
        ("csrf", csrf, False),
        ("cookie", cookie, False),
        ("private", private, False),
        ("plain", nothing, True),
    ]:
        middleware = caching.PageCacheMiddleware(view_with(mutator))
        path = f"/probe-{name}/"
        middleware(rf.get(path))
        second = middleware(rf.get(path))
        assert (second["X-Cache"] == "HIT") is stored, name


def test_post_is_never_served_from_cache(rf, db):
    calls = []

    def view(request):  # type: ignore[no-untyped-def]
        calls.append(request.method)
        return caching.mark_public(request, HttpResponse("page"), scopes=["site"])

    middleware = caching.PageCacheMiddleware(view)
    middleware(rf.get("/probe/"))
    middleware(rf.post("/probe/"))
    assert calls == ["GET", "POST"]


def test_cache_can_be_switched_off(client, site_tree, settings):
    settings.MASTHEAD_PAGE_CACHE = False
    client.get(site_tree.budget.url)
    assert "X-Cache" not in client.get(site_tree.budget.url)


# The article frame: with the page cache off, an article is rendered once per publish and its
# discussion hole is filled per request (masthead.publishing.caching.serve_frame).


def test_article_frame_serves_later_readers_without_the_article_queries(client, site_tree, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MASTHEAD_PAGE_CACHE = False
    first = client.get(site_tree.budget.url)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(site_tree.budget.url)
    assert second.status_code == 200 and second.content == first.content
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "publishing_articlebyline" not in sql and "taggit" not in sql and "wagtailcore_site" not in sql
    # The page by its path, Wagtail's privacy check (two), the thread, and cache reads (the
    # site's version; the frame, the discussion and their versions).
    assert len(captured.captured_queries) <= 9, [query["sql"][:120] for query in captured.captured_queries]
    # Once the route and the fragments are kept in the process, what is left is reading the
    # versions: the site's first, then every other one the page needs in one round trip
    # (none on Redis); no privacy query while no page is private.
    with CaptureQueriesContext(connection) as captured:
        third = client.get(site_tree.budget.url)
    assert third.content == first.content
    statements = [query["sql"] for query in captured.captured_queries]
    assert len(statements) <= 2 and all("cache" in statement for statement in statements), statements


def test_publishing_again_renews_the_frame(client, site_tree, settings):
    settings.MASTHEAD_PAGE_CACHE = False
    client.get(site_tree.budget.url)
    article = ArticlePage.objects.get(pk=site_tree.budget.pk)
    article.title = "Assembly passes a budget at dawn"
    article.save_revision().publish()
    assert "Assembly passes a budget at dawn" in client.get(site_tree.budget.url).content.decode()


def test_funding_bump_renews_the_frame(client, site_tree, settings, monkeypatch):
    settings.MASTHEAD_PAGE_CACHE = False
    client.get(site_tree.budget.url)
    calls = []
    original = caching.serve_frame

    def counting(request, **kwargs):  # type: ignore[no-untyped-def]
        render = kwargs["render"]
        kwargs["render"] = lambda: calls.append(1) or render()
        return original(request, **kwargs)

    monkeypatch.setattr(caching, "serve_frame", counting)
    client.get(site_tree.budget.url)
    assert calls == []
    pagecache.bump("funding")
    client.get(site_tree.budget.url)
    assert calls == [1]


def test_home_page_change_is_seen_despite_the_per_process_site_copy(client, site_tree, settings):
    from masthead.publishing.models import HomePage

    settings.MASTHEAD_PAGE_CACHE = False
    client.get("/")
    home = HomePage.objects.get()
    home.tagline = "News from the delta, every morning"
    home.save_revision().publish()
    assert "News from the delta, every morning" in client.get("/").content.decode()


def test_routing_by_path_finds_live_pages_only(client, site_tree, settings):
    settings.MASTHEAD_PAGE_CACHE = False
    section_url = site_tree.budget.get_parent().url
    assert client.get(section_url).status_code == 200
    assert client.get(site_tree.budget.url).status_code == 200
    assert client.get(f"{site_tree.budget.url}more/").status_code == 404
    assert client.get(f"{section_url}no-such-story/").status_code == 404
    assert client.get(site_tree.older.url).status_code == 200  # its route is kept now
    site_tree.older.unpublish()
    assert client.get(site_tree.older.url).status_code == 404


def test_previews_and_writes_never_use_a_frame(rf, settings):
    assert caching.frame_allowed(rf.get("/"))
    preview = rf.get("/")
    preview.is_preview = True
    assert not caching.frame_allowed(preview)
    assert not caching.frame_allowed(rf.post("/"))
    settings.MASTHEAD_FRAGMENT_CACHE = False
    assert not caching.frame_allowed(rf.get("/"))


def test_a_page_made_private_is_no_longer_served_to_anonymous_readers(client, site_tree, settings, reader):
    from wagtail.models import PageViewRestriction

    settings.MASTHEAD_PAGE_CACHE = False
    assert client.get(site_tree.budget.url).status_code == 200  # its frame is cached now
    PageViewRestriction.objects.create(page=site_tree.budget, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(site_tree.budget.url).status_code == 302  # to sign in
    client.force_login(reader)
    assert client.get(site_tree.budget.url).status_code == 200


def test_header_sections_are_read_once_per_site_change(client, site_tree, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.publishing.models import SectionPage

    settings.MASTHEAD_PAGE_CACHE = False
    politics_url = site_tree.politics.url
    client.get(politics_url)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(politics_url).content.decode()
    assert f'<a href="{politics_url}" aria-current="page">Politics</a>' in html
    assert f'href="{site_tree.climate.url}">Environment</a>' in html
    # The page itself is loaded; the list of its site's sections (child_of: a path LIKE) is not.
    listing = [
        q for q in captured.captured_queries if "publishing_sectionpage" in q["sql"] and "LIKE" in q["sql"]
    ]
    assert not listing
    section = SectionPage.objects.get(pk=site_tree.climate.pk)
    section.title = "Climate"
    section.save_revision().publish()
    assert ">Climate</a>" in client.get(politics_url).content.decode()
    section.unpublish()
    assert "Climate</a>" not in client.get(politics_url).content.decode()
