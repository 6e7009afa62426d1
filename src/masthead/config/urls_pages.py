"""The site's URL patterns with Wagtail's page route first, for paths no app claims.

Django tries patterns in order, and Wagtail's page tree comes last because it answers every
path, so an article's URL was matched against every app's patterns before it: about 50 µs,
5% of a served article. ``SiteCacheMiddleware`` gives a request this urlconf when the first
segment of its path is one that no app pattern can match (``routes_to_pages``). It holds
the same patterns, so reversing a name gives the same URL with either urlconf.
"""

from __future__ import annotations

import re
from functools import cache

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern

from masthead.config import urls as _site

ROOT = "masthead.config.urls"
URLCONF = "masthead.config.urls_pages"

_pages = _site.urlpatterns[-1]
assert isinstance(_pages, URLResolver) and getattr(_pages.urlconf_module, "__name__", "") == "wagtail.urls"
urlpatterns = [_pages, *_site.urlpatterns[:-1]]

_REGEX_SPECIAL = re.compile(r"[.^$*+?{}\[\]\\|()]")


def _literal(pattern: URLPattern | URLResolver) -> tuple[str, bool]:
    """The fixed text a pattern starts with, and whether that text is all of it."""
    if isinstance(pattern.pattern, RoutePattern):
        route = str(pattern.pattern)
        head = route.split("<", 1)[0]
        return head, head == route
    if isinstance(pattern.pattern, RegexPattern):
        regex = str(pattern.pattern).removeprefix("^")
        match = _REGEX_SPECIAL.search(regex)
        if match is None:
            return regex, True
        head = regex[: match.start()]
        return head, regex[match.start() :] == "$"
    return "", False


def _claims(patterns: list[URLPattern | URLResolver], prefix: str = "") -> tuple[set[str], list[str]]:
    """First path segments the patterns match exactly, and prefixes of first segments they
    may match (a pattern whose first segment is not fixed text)."""
    exact: set[str] = set()
    partial: list[str] = []
    for pattern in patterns:
        head, complete = _literal(pattern)
        text = prefix + head
        if "/" in text:
            exact.add(text.split("/", 1)[0])
        elif isinstance(pattern, URLResolver):
            inner_exact, inner_partial = _claims(pattern.url_patterns, text)
            exact |= inner_exact
            partial += inner_partial
        elif complete:
            exact.add(text)
        else:
            partial.append(text)
    return exact, partial


@cache
def _claimed() -> tuple[frozenset[str], tuple[str, ...]]:
    exact, partial = _claims(urlpatterns[1:])
    return frozenset(exact), tuple(partial)


def routes_to_pages(path_info: str) -> bool:
    """Whether no app pattern can match ``path_info``, so only Wagtail's pages can."""
    exact, partial = _claimed()
    first = path_info.lstrip("/").split("/", 1)[0]
    return first not in exact and not any(first.startswith(text) for text in partial)
