"""Finding a request's Wagtail Site and page with fewer queries than Wagtail's defaults.

Wagtail looks the Site up with a query on every request (``Site.find_for_request``), then
walks the tree one level per query pair (a child by slug, then its specific row). Here:
- each process keeps the Site (and its root page) per host and port, valid while the "site"
  page-cache version stands: every publish, move, deletion and Site change bumps it, so a
  stale Site or home page is never served from this copy;
- privacy: while no page has a view restriction (per "site" version), none is looked up;
- a page below the home page is found by its ``url_path`` (indexed by migration 0004) in one
  query, or two when it is not an article, and kept per process while the "site" version
  stands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from masthead.core import pagecache

_lock = threading.Lock()
_sites: dict[tuple[str, int], tuple[str, Site | None]] = {}
# Pages by url_path, per "site" version: every publish, unpublish, move and deletion bumps it,
# so a page object is reused only while nothing on the site changed. Served pages are only
# read (their frame is cached too), so threads may share them.
ROUTES_KEPT = 2000
_routes: dict[str, tuple[str, Any]] = {}
# Whether any page has a view restriction (privacy), per "site" version.
_restrictions: dict[str, bool] = {}
# The "site" version this thread's current request read, so later checks need not read it again.
_request_state = threading.local()
# Each site's header sections, per "site" version.
_sections: dict[tuple[int, str], tuple[str, list[NavSection]]] = {}


class SiteCacheMiddleware:
    """Sets ``request._wagtail_site`` (Wagtail's own per-request cache) from this process's
    copy, and routes paths only a page can answer straight to Wagtail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _route_pages_first(request)
        # A read asks for the same page-cache versions in several places: fetch each once.
        # The raw Host header: a hint only, so an invalid host is left to Django to refuse.
        pagecache.remember_versions(
            request.method in ("GET", "HEAD"), key=f"{request.META.get('HTTP_HOST', '')}{request.path}"
        )
        try:
            # The JSON API serves no page and builds no page URL, so it does not pay for
            # the site's version (a cache round trip); should it ever ask, Wagtail finds
            # the Site itself.
            if not request.path_info.startswith("/api/"):
                request._wagtail_site = site_for_request(request)  # type: ignore[attr-defined]
            return self.get_response(request)
        finally:
            _request_state.version = None
            pagecache.remember_versions(False)


def _route_pages_first(request: HttpRequest) -> None:
    """Give a path that only a page can answer the urlconf that tries Wagtail first."""
    # Imported here: the urlconf imports every app's views, which may import this module.
    from masthead.config import urls_pages

    if settings.ROOT_URLCONF == urls_pages.ROOT and urls_pages.routes_to_pages(request.path_info):
        request.urlconf = urls_pages.URLCONF  # type: ignore[attr-defined]


def site_for_request(request: HttpRequest) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]  # type: ignore[attr-defined]
    try:
        port = int(request.get_port())
    except ValueError:
        port = 0
    version = pagecache.version("site")
    _request_state.version = version
    key = (hostname, port)
    found = _sites.get(key)
    if found is not None and found[0] == version:
        return found[1]
    site = Site._find_for_request(request)
    if site is not None:
        # Resolve the root page's specific object now, while this copy is still private.
        _ = site.root_page.specific
    with _lock:
        if len(_sites) > 1000:
            _sites.clear()
        _sites[key] = (version, site)
    return site


def route_below(root: Page, request: HttpRequest, path_components: list[str]) -> RouteResult | None:
    """The live page at ``path_components`` under ``root`` by its url_path, or None to let
    Wagtail walk the tree (a path that is not a page, e.g. a sub-route)."""
    from masthead.publishing.models import ArticlePage

    url_path = f"{root.url_path}{'/'.join(path_components)}/"
    version = getattr(_request_state, "version", None) or pagecache.version("site")
    known = _routes.get(url_path)
    if known is not None and known[0] == version:
        page: Any = known[1]
    else:
        page = ArticlePage.objects.filter(url_path=url_path).first()
        if page is None:
            base = Page.objects.filter(url_path=url_path).first()
            if base is None:
                return None
            page = base.specific
        with _lock:
            if len(_routes) >= ROUTES_KEPT:
                _routes.clear()
            _routes[url_path] = (version, page)
    if not page.live:
        raise Http404
    return RouteResult(page)


def view_restrictions_exist() -> bool:
    """Whether any page is private (Wagtail's view restrictions). Most sites have none, and
    then no page needs Wagtail's two privacy queries per request."""
    version = getattr(_request_state, "version", None) or pagecache.version("site")
    found = _restrictions.get(version)
    if found is None:
        found = PageViewRestriction.objects.exists()
        with _lock:
            _restrictions.clear()
            _restrictions[version] = found
    return found


@dataclass(frozen=True)
class NavSection:
    path: str
    title: str
    url: str


def site_sections(site: Site, request: HttpRequest) -> list[NavSection]:
    """The live, public sections under ``site``'s root, for the header: read once per process
    while the "site" version stands (every page and site change bumps it), as every page
    rendered without a frame (thread pages, "more replies", section fronts) shows them."""
    from masthead.publishing.models import SectionPage

    version = getattr(_request_state, "version", None) or pagecache.version("site")
    key = (site.pk, request.get_host())
    known = _sections.get(key)
    if known is not None and known[0] == version:
        return known[1]
    sections = SectionPage.objects.live().public().child_of(site.root_page).order_by("path")
    found = [NavSection(section.path, section.title, section.get_url(request) or "") for section in sections]
    with _lock:
        if len(_sections) > 1000:
            _sections.clear()
        _sections[key] = (version, found)
    return found


def sites_changed(**kwargs: Any) -> None:
    # Now for this process's next request, and again after commit, so no other process keeps
    # what it read before the change was visible under the new version.
    pagecache.bump("site")
    transaction.on_commit(lambda: pagecache.bump("site"))
