"""Importing Disqus exports: thread matching, reply trees, flags, unmatched threads, idempotency."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion.models import Comment, Thread
from masthead.transfer.models import ImportedObject
from masthead.transfer.services.disqus import disqus_import, url_map_read
from masthead.transfer.xmlsafe import TransferError
from tests.publishing.factories import make_article, make_section
from tests.transfer.test_disqus_reader import repaired_remark42

ISSO = Path("/work/shared/fixtures/disqus/isso/disqus.xml")

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():  # type: ignore[no-untyped-def]
    section = make_section(title="Politics")
    return {
        "hello": make_article(title="Hello, World!", slug="hello-world", section=section),
        "redacted": make_article(title="Redacted", slug="redacted", section=section),
    }


@pytest.fixture
def url_map(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "urls.csv"
    path.write_text("old_url,new_url\nhttp://example.org/,https://news.example.org/politics/hello-world/\n")
    return url_map_read(path=path)


def test_unmatched_threads_are_reported_not_dropped(articles) -> None:  # type: ignore[no-untyped-def]
    report = disqus_import(path=ISSO)
    assert report.imported["comments"] == 1  # thread 7 matched "redacted" by its path's last segment
    assert report.skipped["posts in unmatched threads (listed under Unmatched)"] == 4
    assert report.skipped["posts whose thread is not in the export"] == 1  # the orphan in thread 1337
    assert report.unmatched == ["thread 2 http://example.org/ [id some-id]: 4 posts not imported"]
    assert "--map" in report.render()


def test_mapping_file_matches_and_keeps_the_tree(articles, url_map) -> None:  # type: ignore[no-untyped-def]
    report = disqus_import(path=ISSO, url_map=url_map)
    assert report.imported["comments"] == 5 and report.unmatched == []
    thread = Thread.objects.get(page=articles["hello"])
    by_source = {
        row.source_id: Comment.objects.get(pk=row.object_id)
        for row in ImportedObject.objects.filter(kind="comment")
    }
    assert by_source["5"].parent_id == by_source["4"].pk
    assert by_source["11"].parent_id == by_source["9"].pk
    assert (by_source["9"].status, by_source["9"].body_html) == ("deleted", "")
    assert by_source["5"].body_html == "<p>Hello, World.</p>"
    assert by_source["4"].guest_name == "peter" and by_source["4"].author_id is None
    assert by_source["4"].guest_email == "foo@bar.com"
    thread.refresh_from_db()
    assert thread.comment_count == 3  # 4, 5 and 11; 9 is a tombstone holding its reply
    assert thread.top_level_count == 2
    assert Comment.objects.get(pk=by_source["9"].pk).reply_count == 1


def test_second_run_creates_nothing(articles, url_map) -> None:  # type: ignore[no-untyped-def]
    disqus_import(path=ISSO, url_map=url_map)
    count = Comment.objects.count()
    again = disqus_import(path=ISSO, url_map=url_map)
    assert again.nothing_new and again.existing["comments"] == 5
    assert Comment.objects.count() == count


def test_dry_run_writes_nothing(articles, url_map) -> None:  # type: ignore[no-untyped-def]
    report = disqus_import(path=ISSO, url_map=url_map, dry_run=True)
    assert report.imported["comments"] == 5
    assert "replies placed at the top level (parent missing)" not in report.imported
    assert Comment.objects.count() == 0 and ImportedObject.objects.count() == 0


def test_spam_and_named_authors_from_remark42(tmp_path: Path) -> None:
    make_article(title="Podcast 229", slug="podcast-229", section=make_section(title="Audio"))
    report = disqus_import(path=repaired_remark42(tmp_path))
    assert report.imported["comments"] == 4
    assert len(report.unmatched) == 1 and "229_8880.html" in report.unmatched[0]
    spam = Comment.objects.filter(status="rejected").order_by("guest_name")
    assert [(c.status_reason, c.guest_name) for c in spam] == [
        ("spam (imported)", "Noname"),
        ("spam (imported)", "Spam Noname"),
    ]
    assert Comment.objects.filter(body_html__contains="<p>").exists()


def test_posts_of_deleted_threads_are_skipped(tmp_path: Path) -> None:
    make_article(title="Podcast 229", slug="podcast-229", section=make_section(title="Audio"))
    report = disqus_import(path=repaired_remark42(tmp_path, "disqus-deleted-thread.xml"))
    assert report.skipped["posts in threads deleted on Disqus"] == 4
    assert Comment.objects.count() == 0


def test_reply_before_its_parent_is_still_threaded(tmp_path: Path, articles) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "order.xml"
    post = (
        '<post dsq:id="{id}"><message>{id}</message><createdAt>2020-01-0{id}T10:00:00Z</createdAt>'
        '<author><name>N{id}</name></author><thread dsq:id="1"/>{parent}</post>\n'
    )
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="1"><id>x</id><link>https://old.example.org/2019/redacted/</link></thread>\n'
        + post.format(id=3, parent='<parent dsq:id="2"/>')
        + post.format(id=2, parent='<parent dsq:id="1"/>')
        + post.format(id=1, parent="")
        + post.format(id=4, parent='<parent dsq:id="9"/>')
        + "</disqus>"
    )
    report = disqus_import(path=path)
    assert report.imported["comments"] == 4
    assert report.imported["replies placed at the top level (parent missing)"] == 1
    depths = {c.guest_name: c.depth for c in Comment.objects.all()}
    assert depths == {"N1": 0, "N2": 1, "N3": 2, "N4": 0}


def test_malformed_file_imports_nothing(articles) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TransferError, match="line 1"):
        disqus_import(path=Path("/work/shared/fixtures/disqus/remark42/disqus.xml"))
    assert Comment.objects.count() == 0


def test_mapping_file_with_one_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("http://a.example/\n")
    with pytest.raises(TransferError, match=r"line 1: expected two columns"):
        url_map_read(path=path)


def test_command_prints_the_report_and_refuses_broken_files(articles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "urls.csv"
    csv.write_text("http://example.org/,/politics/hello-world/\n")
    out = StringIO()
    call_command("import", "disqus", str(ISSO), "--map", str(csv), stdout=out)
    assert "comments: 5" in out.getvalue()
    assert "threads matched to articles: 2" in out.getvalue()
    again = StringIO()
    call_command("import", "disqus", str(ISSO), "--map", str(csv), stdout=again)
    assert "Nothing new: everything was already imported." in again.getvalue()
    with pytest.raises(CommandError, match=r"Nothing was imported\. .*line 1: not well-formed XML"):
        call_command("import", "disqus", "/work/shared/fixtures/disqus/remark42/disqus.xml")
