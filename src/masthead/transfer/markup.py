"""Turning other platforms' HTML into Masthead's: comment Markdown, and article body blocks.

Imported HTML is never trusted as HTML. Comment bodies become the Markdown subset readers
write (then discussion renders and sanitises it exactly as it does new comments), and
article bodies are cleaned by nh3 before being cut into StreamField blocks whose rich text
holds only the tags the editor allows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nh3
from lxml import etree
from lxml import html as lxml_html

_WP_BLOCK_COMMENT = re.compile(r"<!--.*?-->", re.S)
# The shortcodes WordPress core and the big plugins write; anything else in brackets is text.
_SHORTCODES = "caption|wp_caption|gallery|embed|audio|video|playlist|youtube|vimeo|soundcloud|tweet|twitter"
_CAPTION = re.compile(r"\[(?:wp_)?caption[^\]]*\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_SHORTCODE_TAG = re.compile(rf"\[/?(?:{_SHORTCODES})\b[^\]]*\]", re.I)
_BLOCK_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|blockquote|figure|pre|table|dl|hr|section|article)\b", re.I
)

_CLEAN_TAGS = {
    "p", "br", "b", "strong", "i", "em", "a", "ul", "ol", "li", "sup", "sub", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "cite", "figure", "figcaption", "img", "pre", "code", "table", "thead",
    "tbody", "tr", "td", "th", "dl", "dt", "dd", "div", "span", "section", "article", "del", "s", "u",
}  # fmt: skip
_CLEAN_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_INLINE_RENAME = {"strong": "b", "em": "i"}
_INLINE_KEEP = {"b", "i", "a", "sup", "sub", "br"}


def sanitise_html(source: str) -> str:
    return nh3.clean(
        source,
        tags=_CLEAN_TAGS,
        attributes=_CLEAN_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def autop(source: str) -> str:
    """WordPress stores paragraphs as blank lines (``wpautop``); make them ``<p>`` elements."""
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", source.replace("\r\n", "\n")) if chunk.strip()]
    out = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def expand_shortcodes(source: str) -> tuple[str, int]:
    """Captions become figures, embeds become links; other known shortcodes are dropped.

    Returns the HTML and how many shortcodes could not be kept (galleries, players).
    """
    source = _CAPTION.sub(lambda m: _caption_figure(m.group(1)), source)
    source = _EMBED.sub(
        lambda m: f'<p><a href="{html.escape(m.group(1).strip())}">{html.escape(m.group(1).strip())}</a></p>',
        source,
    )
    dropped = len(re.findall(r"\[(?:gallery|audio|video|playlist)\b[^\]]*\]", source, re.I))
    return _SHORTCODE_TAG.sub("", source), dropped


def _caption_figure(inner: str) -> str:
    match = re.search(r"(<a[^>]*>\s*)?<img[^>]*>(\s*</a>)?", inner, re.S | re.I)
    if not match:
        return inner
    caption = (inner[: match.start()] + inner[match.end() :]).strip()
    return f"<figure>{match.group(0)}<figcaption>{caption}</figcaption></figure>"


def plain_text(source: str) -> str:
    """The text of an HTML fragment, whitespace collapsed (titles, standfirsts, captions)."""
    cleaned = nh3.clean(source or "", tags=set(), strip_comments=True)
    return " ".join(html.unescape(cleaned).split())


def summary(text: str, limit: int = 300) -> str:
    """The first sentence or two of ``text``, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


# --- article bodies -------------------------------------------------------------------------

ImageFinder = Callable[[str, str, str], Any]  # (src, alt, caption) → NewsImage or None


@dataclass
class BodyConversion:
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    images_missing: int = 0
    shortcodes_dropped: int = 0


def html_to_blocks(source: str, *, find_image: ImageFinder) -> BodyConversion:
    """Cut a WordPress post body into paragraph, heading, quote and image blocks."""
    result = BodyConversion()
    source = _WP_BLOCK_COMMENT.sub("", source or "")
    source, result.shortcodes_dropped = expand_shortcodes(source)
    cleaned = sanitise_html(autop(source))
    if not cleaned.strip():
        return result
    container = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    _Walker(result, find_image).walk(container)
    return result


class _Walker:
    def __init__(self, result: BodyConversion, find_image: ImageFinder) -> None:
        self.result = result
        self.find_image = find_image
        self.pending: list[str] = []  # inline HTML waiting to become a paragraph

    def walk(self, container: etree._Element) -> None:
        if container.text and container.text.strip():
            self.pending.append(html.escape(container.text))
        for child in container:
            self.block(child)
            if child.tail and child.tail.strip():
                self.pending.append(html.escape(child.tail))
        self.flush()

    def flush(self) -> None:
        text = "".join(self.pending).strip()
        self.pending = []
        if text and plain_text(text):
            self.result.blocks.append(("paragraph", f"<p>{text}</p>"))

    def block(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {"div", "section", "article", "span"} and any(_is_block(child) for child in element):
            self.flush()
            self.walk(element)
        elif tag == "p":
            self.flush()
            self._images_inside(element)
            self.pending.append(inline_html(element))
            self.flush()
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            text = " ".join(element.text_content().split())
            if text:
                self.result.blocks.append(("heading", text[:255]))
        elif tag == "blockquote":
            self.flush()
            self.quote(element)
        elif tag in {"ul", "ol"}:
            self.flush()
            items = "".join(
                f"<li>{inline_html(li)}</li>" for li in element.iter("li") if li.text_content().strip()
            )
            if items:
                self.result.blocks.append(("paragraph", f"<{tag}>{items}</{tag}>"))
        elif tag in {"figure", "img"}:
            self.flush()
            self.image(element)
        elif tag in {"pre", "table", "dl"}:
            self.flush()
            self.text_rows(element)
        else:
            self.pending.append(inline_html(element, keep_outer=True))

    def quote(self, element: etree._Element) -> None:
        attribution = ""
        for cite in element.iter("cite"):
            attribution = attribution or " ".join(cite.text_content().split())
            cite.drop_tree()
        paragraphs = [" ".join(p.text_content().split()) for p in element.iter("p")]
        text = "\n\n".join(p for p in paragraphs if p) or " ".join(element.text_content().split())
        if text:
            self.result.blocks.append(("quote", {"quote": text, "attribution": attribution[:255]}))

    def image(self, element: etree._Element) -> None:
        img = element if element.tag == "img" else next(element.iter("img"), None)
        if img is None:
            return
        caption = ""
        for figcaption in element.iter("figcaption"):
            caption = " ".join(figcaption.text_content().split())
        alt = (img.get("alt") or "").strip()
        found = self.find_image(img.get("src") or "", alt, caption)
        if found is None:
            self.result.images_missing += 1
            return
        self.result.blocks.append(
            (
                "image",
                {"image": found, "caption": caption[:500], "alt_text": (alt or caption or found.title)[:300]},
            )
        )

    def _images_inside(self, element: etree._Element) -> None:
        for img in list(element.iter("img")):
            self.image(img)
            img.drop_tree()

    def text_rows(self, element: etree._Element) -> None:
        if element.tag == "pre":
            rows = element.text_content().strip("\n").split("\n")
        elif element.tag == "table":
            rows = [
                " | ".join(" ".join(cell.text_content().split()) for cell in row)
                for row in element.iter("tr")
            ]
        else:
            rows = [" ".join(item.text_content().split()) for item in element if isinstance(item.tag, str)]
        text = "<br>".join(html.escape(row) for row in rows if row.strip())
        if text:
            self.result.blocks.append(("paragraph", f"<p>{text}</p>"))


def _is_block(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag in {
        "p", "div", "section", "article", "blockquote", "ul", "ol", "figure", "pre", "table", "dl",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }  # fmt: skip


def inline_html(element: etree._Element, *, keep_outer: bool = False) -> str:
    """The inside of ``element`` as rich-text HTML: bold, italic, links, sup/sub and line breaks only."""
    parts: list[str] = []
    if keep_outer:
        parts.append(_inline_node(element))
    else:
        if element.text:
            parts.append(html.escape(element.text))
        for child in element:
            parts.append(_inline_node(child))
    return "".join(parts).strip()


def _inline_node(node: etree._Element) -> str:
    tail = html.escape(node.tail) if node.tail else ""
    if not isinstance(node.tag, str):
        return tail
    tag = _INLINE_RENAME.get(node.tag, node.tag)
    if tag == "br":
        return "<br>" + tail
    inner = (html.escape(node.text) if node.text else "") + "".join(_inline_node(child) for child in node)
    if tag == "a":
        href = node.get("href") or ""
        if not href.startswith(("http://", "https://", "mailto:")):
            return inner + tail
        return f'<a href="{html.escape(href)}">{inner}</a>' + tail
    if tag in _INLINE_KEEP:
        return f"<{tag}>{inner}</{tag}>" + tail
    return inner + tail


# --- comment bodies -------------------------------------------------------------------------


def html_to_markdown(source: str) -> str:
    """A comment's HTML as the Markdown subset new comments are written in.

    Paragraphs, emphasis, links, quotes and code survive; lists, tables and headings become
    plain lines; anything else is reduced to its text. Markdown characters in the text are
    escaped so imported text cannot smuggle in formatting it did not have.
    """
    source = (source or "").replace("\r\n", "\n")
    if not re.search(r"<[a-zA-Z/!]", source):
        # Plain text (Disqus often, WordPress always stores raw newlines): keep the breaks.
        return _escape_markdown(html.unescape(source)).strip()
    cleaned = sanitise_html(autop(source))
    container = lxml_html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
    blocks = _md_blocks(container)
    return "\n\n".join(block for block in blocks if block.strip()).strip()


def _md_blocks(container: etree._Element) -> list[str]:
    blocks: list[str] = []
    pending = _escape_markdown(container.text or "")
    for child in container:
        tag = child.tag if isinstance(child.tag, str) else ""
        if _is_block(child) or tag in {"li", "tr", "dt", "dd"}:
            if pending.strip():
                blocks.append(pending.strip())
            pending = ""
            blocks.extend(_md_block(child))
        else:
            pending += _md_inline(child)
        pending += _escape_markdown(child.tail or "") if child.tail else ""
    if pending.strip():
        blocks.append(pending.strip())
    return blocks


def _md_block(element: etree._Element) -> list[str]:
    tag = element.tag
    if tag == "blockquote":
        inner = "\n\n".join(_md_blocks(element))
        return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
    if tag == "pre":
        code = element.text_content().strip("\n").replace("```", "ʼʼʼ")
        return [f"```\n{code}\n```"]
    if tag in {"ul", "ol"}:
        marker = "-" if tag == "ul" else None
        items = [li for li in element if isinstance(li.tag, str)]
        return [
            "\n".join(
                f"{marker or f'{n}.'} " + " ".join(_md_inline_children(li).split())
                for n, li in enumerate(items, 1)
            )
        ]
    if tag == "table":
        rows = [" | ".join(_md_inline_children(cell).strip() for cell in row) for row in element.iter("tr")]
        return ["  \n".join(row for row in rows if row.strip())]
    if re.fullmatch(r"h[1-6]", tag):
        text = " ".join(_md_inline_children(element).split())
        return [f"**{text}**" if text else ""]
    if tag in {"div", "section", "article", "dl"}:
        return _md_blocks(element)
    return ["  \n".join(line.strip() for line in _md_inline_children(element).split("\n"))]


def _md_inline_children(element: etree._Element) -> str:
    return _escape_markdown(element.text or "") + "".join(_md_inline(child) for child in element)


def _md_inline(node: etree._Element) -> str:
    tail = _escape_markdown(node.tail) if node.tail else ""
    if not isinstance(node.tag, str):
        return tail
    tag = node.tag
    if tag == "br":
        return "  \n" + tail.lstrip("\n")
    inner = _md_inline_children(node)
    if not inner.strip():
        return tail
    if tag in {"b", "strong"}:
        return f"**{inner.strip()}**" + tail
    if tag in {"i", "em", "cite"}:
        return f"*{inner.strip()}*" + tail
    if tag == "code":
        return "`" + node.text_content().replace("`", "ʼ") + "`" + tail
    if tag == "a":
        href = node.get("href") or ""
        if href.startswith(("http://", "https://", "mailto:")):
            return f"[{inner.strip()}](<{href.replace('>', '%3E').replace(' ', '%20')}>)" + tail
    return inner + tail


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _escape_markdown(text: str) -> str:
    # Lists and headings are off in the comment renderer; these are the marks it still reads.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
