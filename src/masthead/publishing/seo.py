"""What search engines and social sites read: canonical URLs, Open Graph, NewsArticle JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from masthead.publishing.models import ArticleByline, ArticlePage

SOCIAL_IMAGE_SPEC = "fill-1200x630|format-jpeg|jpegquality-80"


def social_image_url(*, article: ArticlePage, request: HttpRequest) -> str:
    if not article.lead_image:
        return ""
    return request.build_absolute_uri(article.lead_image.get_rendition(SOCIAL_IMAGE_SPEC).url)


def news_article_json_ld(
    *, article: ArticlePage, request: HttpRequest, bylines: list[ArticleByline]
) -> dict[str, Any]:
    """schema.org NewsArticle for ``article``: authors, dates, image, section, corrections."""
    canonical = article.get_full_url(request)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": article.published_at.isoformat(),
        "dateModified": (article.updated_at or article.last_published_at or article.published_at).isoformat(),
        "author": [
            {"@type": "Person", "name": byline.author.title, "url": byline.author.get_full_url(request)}
            for byline in bylines
        ],
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "isAccessibleForFree": True,
    }
    if article.dateline:
        data["dateline"] = article.dateline
    if article.section:
        data["articleSection"] = article.section.title
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    image = social_image_url(article=article, request=request)
    if image:
        data["image"] = [image]
    corrections = list(article.corrections.order_by("published_at"))
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": item.text, "datePublished": item.published_at.isoformat()}
            for item in corrections
        ]
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">``; <, > and & escaped so text cannot end it."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - every character that could close the script is escaped
