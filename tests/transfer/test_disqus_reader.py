"""The Disqus reader against the shared fixtures (counts from SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.transfer.disqus import DisqusPost, DisqusReader, DisqusThread
from masthead.transfer.xmlsafe import TransferError

DISQUS = Path("/work/shared/fixtures/disqus")


def repaired_remark42(tmp_path: Path, name: str = "disqus.xml", *, fix_bad_post: bool = True) -> Path:
    """Remark42's samples with the stray backtick and the unquoted attribute mended."""
    text = (DISQUS / "remark42" / name).read_text().lstrip("`")
    text = text.replace("<thread dsq:id=247937687/>", '<thread dsq:id="247937687"/>')
    if fix_bad_post:
        text = text.replace("2011-x09-30T22:48:43Z", "2011-09-30T22:48:43Z").replace(
            "<isSpam>123</isSpam>", "<isSpam>true</isSpam>"
        )
    path = tmp_path / name
    path.write_text(text)
    return path


def test_isso_sample_threads_posts_and_tree() -> None:
    records = list(DisqusReader(DISQUS / "isso/disqus.xml"))
    threads = [r for r in records if isinstance(r, DisqusThread)]
    posts = [r for r in records if isinstance(r, DisqusPost)]
    assert [t.dsq_id for t in threads] == ["2", "3", "7"]
    assert [(t.identifier, t.link) for t in threads] == [
        ("some-id", "http://example.org/"),
        ("", ""),
        ("", "http://localhost:4000/blog/2013/02/12/redacted/index.html"),
    ]
    assert len(posts) == 6
    assert {p.dsq_id: p.parent_id for p in posts if p.parent_id} == {"5": "4", "11": "9"}
    assert sum(p.is_anonymous for p in posts) == 3
    deleted = next(p for p in posts if p.dsq_id == "9")
    assert (deleted.is_deleted, deleted.message) == (True, "")
    orphan = next(p for p in posts if p.dsq_id == "6")
    assert orphan.thread_id == "1337"
    assert next(p for p in posts if p.dsq_id == "5").message == "<p>Hello, World.</p>"
    assert len({(p.author_name, p.author_email) for p in posts if not p.is_anonymous}) == 2


@pytest.mark.parametrize("name", ["disqus.xml", "disqus-deleted-post.xml", "disqus-deleted-thread.xml"])
def test_remark42_samples_as_stored_are_refused_at_line_one(name: str) -> None:
    with pytest.raises(TransferError) as caught:
        list(DisqusReader(DISQUS / "remark42" / name))
    assert caught.value.line == 1
    assert "Start tag expected, '<' not found" in str(caught.value)


def test_remark42_repaired_counts_and_flags(tmp_path: Path) -> None:
    records = list(DisqusReader(repaired_remark42(tmp_path)))
    threads = [r for r in records if isinstance(r, DisqusThread)]
    posts = [r for r in records if isinstance(r, DisqusPost)]
    assert len(threads) == 2 and len(posts) == 6
    assert all(p.parent_id == "" for p in posts)
    assert len({p.author_name for p in posts}) == 6
    assert {p.dsq_id for p in posts if p.is_spam} == {"299986073", "x299986073"}
    assert any(p.dsq_id.startswith("id:") for p in posts)  # the post with only an <id>
    assert "Радио-Т" in threads[0].title


def test_remark42_deleted_variants(tmp_path: Path) -> None:
    posts = [
        r
        for r in DisqusReader(repaired_remark42(tmp_path, "disqus-deleted-post.xml"))
        if isinstance(r, DisqusPost)
    ]
    assert [p.dsq_id for p in posts if p.is_deleted] == ["299619020"]
    records = list(DisqusReader(repaired_remark42(tmp_path, "disqus-deleted-thread.xml")))
    deleted = [r for r in records if isinstance(r, DisqusThread) and r.is_deleted]
    assert [t.dsq_id for t in deleted] == ["247937687"]
    assert sum(1 for r in records if isinstance(r, DisqusPost) and r.thread_id == "247937687") == 4


def test_bad_date_names_the_post_line(tmp_path: Path) -> None:
    path = repaired_remark42(tmp_path, fix_bad_post=False)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if 'dsq:id="x299986073"' in text)
    with pytest.raises(TransferError) as caught:
        list(DisqusReader(path))
    assert caught.value.line == line
    assert "<createdAt> is '2011-x09-30T22:48:43Z' (expected a date like 2013-10-10T19:20:29Z)" in str(
        caught.value
    )


def test_flag_that_is_not_a_boolean_is_an_error(tmp_path: Path) -> None:
    path = repaired_remark42(tmp_path, fix_bad_post=False)
    path.write_text(path.read_text().replace("2011-x09-30T22:48:43Z", "2011-09-30T22:48:43Z"))
    with pytest.raises(TransferError, match=r"<isSpam> is '123' \(expected true or false\)"):
        list(DisqusReader(path))


def test_post_without_thread_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<post dsq:id="1"><message>x</message><createdAt>2013-10-10T19:20:29Z</createdAt></post>\n'
        "</disqus>"
    )
    with pytest.raises(TransferError, match=r"line 2: post 1 has no <thread"):
        list(DisqusReader(path))


def test_a_wordpress_file_is_not_a_disqus_export() -> None:
    with pytest.raises(TransferError, match=r"\(expected <disqus>\)"):
        list(DisqusReader("/work/shared/fixtures/wordpress-wxr/isso/wordpress.xml"))
