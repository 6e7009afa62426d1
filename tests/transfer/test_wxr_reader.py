"""The WXR reader against the real WordPress exports in the shared fixtures (counts from SOURCES.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from masthead.transfer.wxr import WxrAuthor, WxrPost, WxrReader, WxrTerm
from masthead.transfer.xmlsafe import TransferError

WXR = Path("/work/shared/fixtures/wordpress-wxr")
THEME_UNIT = WXR / "WPTT-theme-test-data/themeunittestdata.wordpress.xml"
IMPORTER = WXR / "wordpress-importer"


def read(path: Path) -> tuple[WxrReader, list]:
    reader = WxrReader(path)
    return reader, list(reader)


def posts_of(records: list) -> list[WxrPost]:
    return [record for record in records if isinstance(record, WxrPost)]


def depth_of(comments: list, comment_id: str) -> int:
    by_id = {comment.comment_id: comment for comment in comments}
    depth, current = 1, by_id[comment_id]
    while current.parent_id not in {"", "0"}:
        current, depth = by_id[current.parent_id], depth + 1
    return depth


@pytest.mark.parametrize("path", [THEME_UNIT, IMPORTER / "theme-unit-test-data.xml"])
def test_theme_unit_test_data_counts(path: Path) -> None:
    reader, records = read(path)
    posts = posts_of(records)
    assert reader.channel.wxr_version == "1.2"
    assert Counter(post.post_type for post in posts) == {
        "post": 58,
        "page": 21,
        "attachment": 37,
        "nav_menu_item": 70,
    }
    assert [author.login for author in records if isinstance(author, WxrAuthor)] == [
        "themedemos",
        "themereviewteam",
    ]
    assert sum(len(post.comments) for post in posts) == 33
    assert sum(1 for post in posts if post.comments) == 7


def test_ten_level_thread_keeps_its_chain() -> None:
    _, records = read(THEME_UNIT)
    template = next(post for post in posts_of(records) if post.title == "Template: Comments")
    assert len(template.comments) == 20
    assert max(depth_of(template.comments, c.comment_id) for c in template.comments) == 10
    parents = {c.comment_id: c.parent_id for c in template.comments}
    chain, node = [], "915"
    while node not in {"", "0"}:
        chain.append(node)
        node = parents[node]
    assert chain[::-1] == ["904", "905", "906", "907", "910", "911", "912", "913", "914", "915"]
    assert {c.user_id for c in template.comments} >= {"24783058"}


def test_comment_statuses_and_pings() -> None:
    _, records = read(THEME_UNIT)
    comments = [comment for post in posts_of(records) for comment in post.comments]
    assert Counter(c.approved for c in comments) == {"1": 30, "0": 3}
    assert Counter(c.comment_type for c in comments if c.is_ping) == {"trackback": 2, "pingback": 2}
    unapproved_reply = next(c for c in comments if c.comment_id == "1017")
    assert (unapproved_reply.parent_id, unapproved_reply.approved) == ("168", "0")
    ping = next(c for c in comments if c.comment_id == "921")
    assert "&laquo;" in ping.author  # the literal entity text survives as text, never as markup


def test_pretty_printed_copy_is_trimmed() -> None:
    _, records = read(IMPORTER / "theme-unit-test-data.xml")
    comments = [comment for post in posts_of(records) for comment in post.comments]
    assert all(comment.content == comment.content.strip() for comment in comments)
    assert not any(comment.content.startswith("\n") for comment in comments)


def test_categories_tags_and_featured_image_meta() -> None:
    _, records = read(THEME_UNIT)
    terms = [record for record in records if isinstance(record, WxrTerm)]
    assert {term.taxonomy for term in terms} >= {"category", "post_tag"}
    posts = posts_of(records)
    with_thumbnail = [post for post in posts if post.meta.get("_thumbnail_id")]
    assert len(with_thumbnail) == 6
    attachment = next(post for post in posts if post.post_id == "761")
    assert attachment.attachment_url.endswith("/2008/06/dsc20050102_192118_51.jpg")
    assert attachment.excerpt == "Albany wind-farm against the sunset, Western Australia"
    assert attachment.meta["_wp_attachment_image_alt"] == "Wind Farm"


@pytest.mark.parametrize(
    ("name", "version", "posts", "comments"),
    [
        ("valid-wxr-1.0.xml", "1.0", 3, 1),
        ("valid-wxr-1.1.xml", "1.1", 1, 1),
        ("small-export.xml", "1.1", 6, 1),
        ("wxr-comprehensive.xml", "1.2", 1, 1),
        ("slashes.xml", "1.1", 1, 1),
        ("test-serialized-comment-meta.xml", "1.0", 1, 1),
        ("wxr-utf-8-challenges.xml", "1.2", 1, 0),
        ("missing-version-tag.xml", "1.1", 0, 0),
    ],
)
def test_versions_and_counts(name: str, version: str, posts: int, comments: int) -> None:
    reader, records = read(IMPORTER / name)
    items = posts_of(records)
    assert reader.channel.wxr_version == version
    assert sum(1 for item in items if item.post_type == "post") == posts
    assert sum(len(item.comments) for item in items) == comments


def test_backslashes_are_kept_verbatim() -> None:
    _, records = read(IMPORTER / "slashes.xml")
    (comment,) = [c for post in posts_of(records) for c in post.comments]
    assert comment.content == "\\o/ ¯\\_(ツ)_/¯"


def test_serialized_comment_meta_is_kept_as_text() -> None:
    _, records = read(IMPORTER / "test-serialized-comment-meta.xml")
    (comment,) = [c for post in posts_of(records) for c in post.comments]
    assert any("¯\\_(ツ)_/¯" in value for value in comment.meta.values())


def test_isso_sample_ids_and_depth() -> None:
    reader, records = read(WXR / "isso/wordpress.xml")
    items = posts_of(records)
    assert reader.channel.wxr_version == "1.0"  # no <wp:wxr_version>: taken from the namespace
    assert [item.post_type for item in items] == ["post", "", ""]
    assert [item.source_key for item in items] == ["18", "4", "6"]
    first = items[0]
    assert max(depth_of(first.comments, c.comment_id) for c in first.comments) == 3
    assert sum(len(item.comments) for item in items) == 8
    assert all(c.author_email == c.author_email.strip() for item in items for c in item.comments)
    # Comment ids repeat across items in this file: they are only unique per post.
    assert [c.comment_id for item in items for c in item.comments].count("11") == 2


def test_crazy_cdata_escaped_reads_the_nested_marker_as_text() -> None:
    _, records = read(IMPORTER / "crazy-cdata-escaped.xml")
    (post,) = posts_of(records)
    assert "<![CDATA[" in post.content and "]]>" in post.content


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("malformed-simple.xml", 14, "Premature end of data in tag item"),
        ("crazy-cdata.xml", 18, "Sequence ']]>' not allowed in content"),
        ("invalid-version-tag.xml", 33, "<wp:wxr_version> is 'abc' (expected one of 1.0, 1.1, 1.2)"),
        ("namespace-edge-cases.xml", 84, "is not a valid URI"),
    ],
)
def test_broken_files_name_the_line_and_what_was_expected(name: str, line: int, expected: str) -> None:
    with pytest.raises(TransferError) as caught:
        list(WxrReader(IMPORTER / name))
    assert caught.value.line == line
    assert expected in str(caught.value)
    assert f"line {line}:" in str(caught.value)


def test_malformed_file_fails_at_the_mismatched_tag(tmp_path: Path) -> None:
    # malformed.xml also carries a bad version tag; with that fixed, the tag mismatch is found.
    source = (
        (IMPORTER / "malformed.xml")
        .read_text()
        .replace("<wp:wxr_version>abc</wp:wxr_version>", "<wp:wxr_version>1.2</wp:wxr_version>")
    )
    (tmp_path / "m.xml").write_text(source)
    with pytest.raises(TransferError) as caught:
        list(WxrReader(tmp_path / "m.xml"))
    assert caught.value.line == 90
    assert "Opening and ending tag mismatch" in str(caught.value)


def test_a_disqus_file_is_not_a_wordpress_export() -> None:
    with pytest.raises(TransferError, match=r"line 7: the document starts with <disqus> \(expected <rss>"):
        list(WxrReader("/work/shared/fixtures/disqus/isso/disqus.xml"))
