"""The site as a WordPress eXtended RSS 1.2 file, so WordPress (or anything that reads WXR) can take it.

Written incrementally with lxml's ``xmlfile``: one ``<item>`` per article with its comments,
never the whole document in memory. Comment statuses map back as WordPress knows them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree
from wagtail.rich_text import expand_db_html

from masthead.discussion.models import Comment, CommentStatus, Thread
from masthead.publishing.models import ArticlePage, SectionPage

WP = "http://wordpress.org/export/1.2/"
NSMAP = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}
APPROVED: dict[str, str] = {
    CommentStatus.VISIBLE: "1",
    CommentStatus.PENDING: "0",
    CommentStatus.REJECTED: "spam",
}


def _el(tag: str, text: str = "", **attributes: str) -> etree._Element:
    prefix, _, name = tag.rpartition(":")
    element = etree.Element(f"{{{NSMAP[prefix]}}}{name}" if prefix else name, attributes, nsmap=None)
    element.text = text
    return element


def _date(value: datetime | None) -> str:
    # WordPress's own "no date" for drafts.
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else "0000-00-00 00:00:00"


def body_html(article: ArticlePage) -> str:
    """The article body as plain HTML: paragraphs, headings, quotes and images by URL."""
    parts: list[str] = []
    for block in article.body:
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            parts.append(expand_db_html(value.source))
        elif kind == "heading":
            parts.append(f"<h2>{_escape(value)}</h2>")
        elif kind == "quote":
            cite = f"<cite>{_escape(value['attribution'])}</cite>" if value.get("attribution") else ""
            parts.append(f"<blockquote><p>{_escape(value['quote'])}</p>{cite}</blockquote>")
        elif kind in {"image", "map"} and value.get("image") is not None:
            image = value["image"]
            caption = (
                f"<figcaption>{_escape(value.get('caption', ''))}</figcaption>"
                if value.get("caption")
                else ""
            )
            parts.append(
                f'<figure><img src="{_escape(image.file.url)}" alt="{_escape(value.get("alt_text", ""))}">{caption}</figure>'
            )
    return "\n\n".join(parts)


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def wxr_write(*, path: Path, site_name: str, home: Any) -> int:
    """Write the WXR file; returns the number of articles written."""
    count = 0
    sections = {section.path: section for section in SectionPage.objects.all()}
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", {"version": "2.0"}, nsmap=NSMAP), xf.element("channel"):
            xf.write(_el("title", site_name or (home.title if home else "")))
            xf.write(_el("link", home.full_url if home and home.full_url else ""))
            xf.write(_el("wp:wxr_version", "1.2"))
            for section in sections.values():
                category = _el("wp:category")
                category.append(_el("wp:category_nicename", section.slug))
                category.append(_el("wp:cat_name", section.title))
                xf.write(category)
            for article in ArticlePage.objects.order_by("path").iterator(chunk_size=100):
                xf.write(_item(article, sections.get(article.path[: -ArticlePage.steplen])))
                count += 1
    return count


def _item(article: ArticlePage, section: SectionPage | None) -> etree._Element:
    item = _el("item")
    item.append(_el("title", article.title))
    item.append(_el("link", article.full_url or ""))
    item.append(_el("guid", str(article.translation_key), isPermaLink="false"))
    byline = article.bylines.select_related("author").order_by("sort_order").first()
    item.append(_el("dc:creator", byline.author.slug if byline else ""))
    item.append(_el("content:encoded", body_html(article)))
    item.append(_el("excerpt:encoded", article.standfirst))
    item.append(_el("wp:post_id", str(article.pk)))
    item.append(_el("wp:post_date_gmt", _date(article.first_published_at)))
    item.append(_el("wp:post_name", article.slug))
    item.append(_el("wp:status", "publish" if article.live else "draft"))
    item.append(_el("wp:post_type", "post"))
    if section is not None:
        item.append(_el("category", section.title, domain="category", nicename=section.slug))
    for tag in article.tags.all():
        item.append(_el("category", tag.name, domain="post_tag", nicename=tag.slug))
    thread = Thread.objects.filter(page_id=article.pk).first()
    if thread is not None:
        for comment in (
            Comment.objects.filter(thread=thread).select_related("author").order_by("pk").iterator()
        ):
            item.append(_comment(comment))
    return item


def _comment(comment: Comment) -> etree._Element:
    element = _el("wp:comment")
    element.append(_el("wp:comment_id", str(comment.pk)))
    element.append(_el("wp:comment_author", comment.display_name))
    email = comment.author.email if comment.author is not None else comment.guest_email
    element.append(_el("wp:comment_author_email", email or ""))
    element.append(_el("wp:comment_date_gmt", _date(comment.created_at)))
    element.append(_el("wp:comment_content", comment.body_html))
    element.append(_el("wp:comment_approved", APPROVED.get(comment.status, "trash")))
    element.append(_el("wp:comment_type", "comment"))
    element.append(_el("wp:comment_parent", str(comment.parent_id or 0)))
    element.append(_el("wp:comment_user_id", str(comment.author_id or 0)))
    return element
