"""Imported HTML against the hostile corpora: nothing executable survives either conversion."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from masthead.discussion.rendering import render_markdown
from masthead.transfer.markup import html_to_blocks, html_to_markdown

FIXTURES = Path("/work/shared/fixtures")
COMMENT_TAGS = {"div", "p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
BODY_TAGS = {"div", "p", "br", "b", "i", "a", "ul", "ol", "li", "sup", "sub"}


def assert_inert(html: str, allowed: set[str], payload: str) -> None:
    """Only allowed elements, no event handlers or styles, links only to http(s)/mailto."""
    if not html.strip():
        return
    for element in lxml_html.fragment_fromstring(html, create_parent="div").iter():
        assert isinstance(element.tag, str) and element.tag in allowed, (payload, html)
        for name, value in element.attrib.items():
            assert name in {"href", "rel"}, (payload, html)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), (payload, html)


def payloads() -> list[str]:
    lines = (FIXTURES / "xss/payloadbox/xss-payload-list.txt").read_text(errors="replace").splitlines()
    vectors = re.split(
        r'<div id="\d+">', (FIXTURES / "xss/cure53-H5SC/vectors.txt").read_text(errors="replace")
    )[1:]
    return [line for line in lines if line.strip()] + vectors


def test_comment_conversion_leaves_nothing_executable() -> None:
    for payload in payloads():
        assert_inert(render_markdown(html_to_markdown(payload)), COMMENT_TAGS, payload)


def test_article_blocks_leave_nothing_executable() -> None:
    for payload in payloads():
        for kind, value in html_to_blocks(payload, find_image=lambda src, alt, caption: None).blocks:
            if kind == "paragraph":
                assert_inert(value, BODY_TAGS, payload)
            else:  # headings and quotes hold plain text (escaped when rendered); no image without a file
                assert kind in {"heading", "quote"}, payload


def test_naughty_strings_survive_as_text() -> None:
    strings = json.loads((FIXTURES / "naughty-strings/blns/blns.json").read_text())
    for value in strings:
        assert_inert(render_markdown(html_to_markdown(value)), COMMENT_TAGS, value)
    assert "Ω≈ç√∫˜µ≤≥÷" in render_markdown(html_to_markdown("Ω≈ç√∫˜µ≤≥÷"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>One <strong>bold</strong> and <em>soft</em></p><p>Two</p>", "One **bold** and *soft*\n\nTwo"),
        ('<a href="https://example.org/a b">link</a>', "[link](<https://example.org/a%20b>)"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<blockquote>Quoted <cite>Ann</cite></blockquote>", "> Quoted *Ann*"),
        ("line one\nline two", "line one\nline two"),
        ("5 * 3 = 15 [sic] _x_", "5 \\* 3 = 15 \\[sic\\] \\_x\\_"),
    ],
)
def test_comment_html_to_markdown(source: str, expected: str) -> None:
    assert html_to_markdown(source) == expected


def test_body_blocks_from_wordpress_markup() -> None:
    source = (
        "<!-- wp:paragraph -->\nFirst <b>para</b>\nsecond line\n\n"
        '[caption id="a"]<img src="https://x.example/p.jpg" alt="A pier"> The pier[/caption]\n\n'
        "<h3>Heading</h3><blockquote><p>Said.</p><cite>Her</cite></blockquote>"
        '<ul><li>one</li></ul>[gallery ids="1"]<script>alert(1)</script>'
    )
    seen: list[tuple[str, str, str]] = []
    result = html_to_blocks(source, find_image=lambda src, alt, caption: seen.append((src, alt, caption)))
    assert result.blocks == [
        ("paragraph", "<p>First <b>para</b><br>second line</p>"),
        ("heading", "Heading"),
        ("quote", {"quote": "Said.", "attribution": "Her"}),
        ("paragraph", "<ul><li>one</li></ul>"),
    ]
    assert seen == [("https://x.example/p.jpg", "A pier", "The pier")]
    assert (result.images_missing, result.shortcodes_dropped) == (1, 1)
