"""Comment text: a small Markdown subset rendered by markdown-it-py, then sanitised by nh3.

Paragraphs, emphasis, links, quotes and code only: no raw HTML, images, headings, lists or
tables. nh3 runs on the output as a second line of defence, allowing only the tags the
subset produces and http(s)/mailto links, which get ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "html_block", "html_inline", "list", "hr", "table"],
    ignoreInvalid=True,
)
_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
_ATTRIBUTES = {"a": {"href"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> str:
    """Safe HTML for a comment's Markdown ``source``."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        url_relative="deny",
        strip_comments=True,
    ).strip()


def normalise_source(source: str) -> str:
    """Line endings unified, control characters (other than newline and tab) removed, trimmed."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = "".join(char for char in source if char in "\n\t" or (ord(char) >= 32 and char != "\x7f"))
    return cleaned.strip()
