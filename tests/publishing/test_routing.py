"""Paths only a page can answer skip the apps' URL patterns (masthead.config.urls_pages)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from masthead.config import urls_pages

# Every first segment an app answers, and paths under them.
APP_PATHS = [
    "/api/discussion/threads/1/comments",
    "/api/moderation/queue",
    "/discussion/comment/1/replies",
    "/accounts/login/",
    "/admin/",
    "/django-admin/",
    "/documents/1/report.pdf",
    "/search/",
    "/tags/budget/",
    "/feeds/rss.xml",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/c/5",
    "/healthz",
    "/lite/",
    "/corrections/",
]
PAGE_PATHS = [
    "/",
    "/politics/",
    "/politics/assembly-passes-a-budget/",
    "/a/b/c/d/",
    "/politics",
    "/robots.txt",
]


def _match(path: str, urlconf: str) -> str:
    try:
        match = resolve(path, urlconf=urlconf)
    except Resolver404:
        return "404"
    return f"{match.func.__module__}.{getattr(match.func, '__name__', type(match.func).__name__)}:{match.url_name}"


@pytest.mark.parametrize("path", APP_PATHS)
def test_app_paths_keep_the_full_urlconf(path: str) -> None:
    assert not urls_pages.routes_to_pages(path)


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_paths_resolve_the_same_with_pages_first(path: str) -> None:
    assert urls_pages.routes_to_pages(path)
    assert _match(path, urls_pages.URLCONF) == _match(path, urls_pages.ROOT)


def test_every_name_reverses_to_the_same_url() -> None:
    names = [name for name in get_resolver(urls_pages.ROOT).reverse_dict if isinstance(name, str)]
    assert len(names) > 20
    for name in names:
        try:
            expected = reverse(name, urlconf=urls_pages.ROOT)
        except NoReverseMatch:  # needs arguments
            continue
        assert reverse(name, urlconf=urls_pages.URLCONF) == expected, name


def test_a_pattern_whose_first_segment_is_not_fixed_claims_every_path_it_could_match() -> None:
    from django.urls import include, path, re_path

    from masthead.config.urls_pages import _claims

    def view(request):  # type: ignore[no-untyped-def]
        raise AssertionError

    exact, partial = _claims(
        [
            path("", include([path("news/<slug:slug>/", view), path("robots.txt", view)])),
            path("feed<int:number>/", view),
            re_path(r"^(?:old|archive)/", view),
        ]
    )
    assert exact == {"news", "robots.txt"}
    assert partial == ["feed", ""]


@pytest.mark.django_db
def test_an_article_is_served_through_the_pages_first_urlconf(client, site_tree) -> None:  # type: ignore[no-untyped-def]
    response = client.get(site_tree.budget.url)
    assert response.status_code == 200
    assert response.wsgi_request.urlconf == urls_pages.URLCONF
    assert response.resolver_match.url_name == "wagtail_serve"
    search = client.get("/search/?q=budget")
    assert search.status_code == 200
    assert not hasattr(search.wsgi_request, "urlconf")


@pytest.mark.django_db
def test_the_json_api_does_not_look_the_site_up(client, site_tree) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/discussion/openapi.json")
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "_wagtail_site")
    page = client.get(site_tree.budget.url)
    assert page.wsgi_request._wagtail_site is not None
