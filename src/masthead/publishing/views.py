"""Pages outside the Wagtail tree: tags, search, corrections, the lite edition, news sitemap."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from taggit.models import Tag

from masthead.publishing import caching, lite, selectors
from masthead.publishing.models import ArticlePage

SITE_SCOPES = ["site", "funding"]


def _canonical(request: HttpRequest, page_number: int, **query: str) -> str:
    params = {key: value for key, value in query.items() if value}
    if page_number > 1:
        params["page"] = str(page_number)
    suffix = f"?{urlencode(params)}" if params else ""
    return request.build_absolute_uri(request.path) + suffix


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Tag, slug=slug)
    articles = selectors.tag_articles(
        tag=topic, root=selectors.site_root(request), page_number=request.GET.get("page")
    )
    if not articles.object_list and articles.number == 1:
        raise Http404("No stories with this topic")
    context = {"tag": topic, "articles": articles, "canonical_url": _canonical(request, articles.number)}
    response = TemplateResponse(request, "publishing/tag.html", context)
    return caching.mark_public(request, response.render(), scopes=SITE_SCOPES)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = None
    if query:
        results = selectors.search_articles(
            query=query, root=selectors.site_root(request), page_number=request.GET.get("page")
        )
    context = {
        "search_query": query,
        "results": results,
        "extra_query": urlencode({"q": query}),
        "canonical_url": _canonical(request, results.number if results else 1, q=query),
    }
    return TemplateResponse(request, "publishing/search.html", context)


def corrections(request: HttpRequest) -> HttpResponse:
    items = selectors.corrections(root=selectors.site_root(request), page_number=request.GET.get("page"))
    context = {"items": items, "canonical_url": _canonical(request, items.number)}
    response = TemplateResponse(request, "publishing/corrections.html", context)
    return caching.mark_public(request, response.render(), scopes=SITE_SCOPES)


def lite_home(request: HttpRequest) -> HttpResponse:
    root = selectors.site_root(request)
    articles = selectors.paginate(
        selectors.articles_for_lists(within=root), request.GET.get("page"), per_page=30
    )
    context = {"articles": articles, "now": timezone.now()}
    response = TemplateResponse(request, "publishing/lite/home.html", context)
    return caching.mark_public(request, response.render(), scopes=["site"])


def lite_article(request: HttpRequest, path: str) -> HttpResponse:
    root = selectors.site_root(request)
    if root is None:
        raise Http404("No site")
    article = get_object_or_404(
        ArticlePage.objects.live().public(), url_path=f"{root.url_path}{path.strip('/')}/"
    )
    context = {
        "article": article,
        "bylines": list(article.bylines.select_related("author").order_by("sort_order")),
        "corrections": list(article.corrections.order_by("published_at")),
        "body": lite.body_html(article),
        "full_url": article.get_url(request),
    }
    response = TemplateResponse(request, "publishing/lite/article.html", context)
    return caching.mark_public(request, response.render(), scopes=["site", f"page:{article.pk}"])


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: articles first published in the last two days."""
    articles = selectors.recent_news_articles(root=selectors.site_root(request))
    items = [(article, article.get_full_url(request)) for article in articles]
    response = TemplateResponse(
        request,
        "publishing/news_sitemap.xml",
        {"items": items},
        content_type="application/xml; charset=utf-8",
    )
    return caching.mark_public(request, response.render(), scopes=["site"])
