"""The lite edition: an article's body as plain HTML text, no images, scripts or embeds."""

from __future__ import annotations

import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

from masthead.publishing.models import ArticlePage

LITE_TAGS = {"p", "a", "strong", "b", "em", "i", "ul", "ol", "li", "sup", "sub", "br"}


def _rich_text(html: str) -> str:
    # Rich text may embed images; the lite edition keeps only text and links.
    return nh3.clean(expand_db_html(html), tags=LITE_TAGS, attributes={"a": {"href"}})


def body_html(article: ArticlePage) -> SafeString:
    parts: list[str] = []
    for block in article.body:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            parts.append(_rich_text(value.source))
        elif kind == "heading":
            parts.append(format_html("<h2>{}</h2>", value))
        elif kind == "quote":
            cite = format_html(" — {}", value["attribution"]) if value["attribution"] else ""
            parts.append(format_html("<blockquote><p>{}{}</p></blockquote>", value["quote"], cite))
        elif kind in {"image", "map"}:
            label = "Map" if kind == "map" else "Image"
            text = value["caption"] or value["alt_text"]
            parts.append(format_html("<p><i>[{}: {}]</i></p>", label, text))
        elif kind == "embed":
            url = value["embed"].url if value["embed"] else ""
            parts.append(format_html('<p><a href="{}">{}</a></p>', url, value["caption"] or url))
    return mark_safe("\n".join(parts))  # noqa: S308 - each part is escaped or nh3-cleaned above
