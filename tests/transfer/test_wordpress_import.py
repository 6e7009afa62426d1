"""Importing WordPress exports: articles, sections, authors, redirects and comment trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from masthead.discussion.models import Comment
from masthead.publishing.models import ArticlePage, NewsImage
from masthead.transfer.models import ImportedObject
from masthead.transfer.services.wordpress import wordpress_import
from masthead.transfer.xmlsafe import TransferError
from tests.transfer.conftest import THEME_UNIT, wxr_subset

WXR = Path("/work/shared/fixtures/wordpress-wxr")
IMPORTER = WXR / "wordpress-importer"

pytestmark = pytest.mark.django_db


def test_without_uploads_images_are_skipped_and_counted(tmp_path: Path) -> None:
    subset = wxr_subset(THEME_UNIT, tmp_path / "images.xml", {"51", "761", "1163"})
    report = wordpress_import(path=subset)
    assert report.skipped["featured images whose file is not available locally"] == 1
    assert report.skipped["body images whose file is not available locally"] >= 1
    featured = next(item for item in report.missing_files if item["post"] == "51")
    assert featured["url"].endswith("/2008/06/dsc20050102_192118_51.jpg")
    assert featured["caption"] == "Albany wind-farm against the sunset, Western Australia"
    assert len(report.missing_files) == 1 + report.skipped["body images whose file is not available locally"]
    assert NewsImage.objects.count() == 0


def test_dry_run_writes_nothing() -> None:
    report = wordpress_import(path=IMPORTER / "small-export.xml", dry_run=True)
    assert report.imported["articles"] == 6
    assert report.dry_run and "dry run: nothing was written" in report.render()
    assert ArticlePage.objects.count() == 0
    assert ImportedObject.objects.count() == 0


def test_malformed_file_imports_nothing() -> None:
    with pytest.raises(TransferError, match="line 14"):
        wordpress_import(path=IMPORTER / "malformed-simple.xml")
    assert ArticlePage.objects.count() == 0 and ImportedObject.objects.count() == 0


def test_isso_sample_keeps_depth_and_per_post_comment_ids() -> None:
    report = wordpress_import(path=WXR / "isso/wordpress.xml")
    assert report.imported["articles"] == 3
    assert report.imported["comments"] == 8
    first = ArticlePage.objects.get(slug="test")
    assert max(Comment.objects.filter(thread__page=first).values_list("depth", flat=True)) == 2
    assert Comment.objects.filter(guest_email="info@posativ.org").count() == 6
    multiline = Comment.objects.get(guest_name="Multiline Author")
    assert "<br>" in multiline.body_html


def test_backslashes_survive_the_markdown_round(tmp_path: Path) -> None:
    wordpress_import(path=IMPORTER / "slashes.xml")
    comment = Comment.objects.get()
    assert "\\o/ ¯\\_(ツ)_/¯" in comment.body_html


def test_screening_records_reasons_but_keeps_the_source_status(tmp_path: Path) -> None:
    links = " ".join(f'<a href="https://shop{n}.example/">deal {n}</a>' for n in range(5))
    path = tmp_path / "links.xml"
    path.write_text(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>Links</title><wp:post_id>5</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f"<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Seller</wp:comment_author>"
        f"<wp:comment_content><![CDATA[{links}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "</wp:comment></item></channel></rss>"
    )
    wordpress_import(path=path)
    comment = Comment.objects.get()
    assert comment.status == "visible"  # approved in WordPress: history is not re-moderated
    assert comment.moderation_reasons  # but the screener's view is kept for moderators
    assert comment.body_html.count('rel="nofollow ugc noopener"') == 5
