from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from xtd_site.articles.models import Article


def article(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "articles/article.html", {"article": get_object_or_404(Article, slug=slug)})
