"""The theme unit test subset imported once: articles, sections, authors, redirects, comment trees."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from masthead.discussion.models import Comment, Thread
from masthead.publishing.models import ArticlePage, AuthorPage, NewsImage, SectionPage
from masthead.transfer.services.wordpress import wordpress_import

WXR = Path("/work/shared/fixtures/wordpress-wxr")
IMPORTER = WXR / "wordpress-importer"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def imported(module_db, theme_subset: Path, media_dir: Path):  # type: ignore[no-untyped-def]
    return wordpress_import(path=theme_subset, media_dir=media_dir)


def test_report_counts_what_was_made_and_skipped(imported) -> None:  # type: ignore[no-untyped-def]
    assert imported.imported["articles"] == 10
    assert imported.imported["articles left as drafts (WordPress draft, pending or private)"] == 1
    assert imported.imported["comments"] == 24  # 20 + 1 + 1 + 1 + 1; pings and page comments left out
    assert imported.skipped["pingbacks and trackbacks"] == 4
    assert imported.skipped["comments on items that are not posts"] == 4
    assert imported.skipped["WordPress page items (only posts become articles)"] == 1
    assert imported.imported["author pages"] == 2
    assert imported.imported["images"] == 1
    assert "pingbacks and trackbacks: 4" in imported.render()


def test_ten_level_thread_is_imported_intact(imported) -> None:  # type: ignore[no-untyped-def]
    article = ArticlePage.objects.get(title="Template: Comments")
    comments = {c.pk: c for c in Comment.objects.filter(thread__page=article)}
    assert len(comments) == 20
    deepest = max(comments.values(), key=lambda comment: comment.depth)
    assert deepest.depth == 9  # ten levels, the top one at depth 0
    chain = [comments[pk].guest_name for pk in deepest.ancestor_ids] + [deepest.guest_name]
    assert len(chain) == 10
    assert Counter(c.status for c in comments.values()) == {"visible": 19, "pending": 1}
    thread = Thread.objects.get(page=article)
    assert (thread.comment_count, thread.top_level_count) == (19, 10)
    root = comments[deepest.ancestor_ids[0]]
    assert root.subtree_count == 9 and root.reply_count == 1


def test_comment_bodies_are_sanitised_markdown(imported) -> None:  # type: ignore[no-untyped-def]
    html_heavy = Comment.objects.get(body_source__contains="**", thread__page__title="Template: Comments")
    assert "<strong>" in html_heavy.body_html
    assert "<table" not in html_heavy.body_html and "<h2" not in html_heavy.body_html
    assert all(c.notify_replies is False for c in Comment.objects.all())
    assert Comment.objects.filter(author__isnull=False).count() == 0  # guests: addresses stay private


def test_sections_authors_and_redirects(imported) -> None:  # type: ignore[no-untyped-def]
    article = ArticlePage.objects.get(slug="template-comments")
    assert isinstance(article.get_parent().specific, SectionPage)
    assert article.bylines.get().author.title in {"Theme Buster", "Theme Reviewer"}
    assert Redirect.objects.get(old_path="/2012/01/03/template-comments").redirect_page_id == article.pk
    assert Redirect.objects.get(old_path="/?p=1148").redirect_page_id == article.pk
    assert AuthorPage.objects.count() == 2
    assert article.first_published_at.isoformat().startswith("2012-01-03")


def test_statuses_drafts_schedule_and_password(imported) -> None:  # type: ignore[no-untyped-def]
    assert ArticlePage.objects.get(title__startswith="Template: Password Protected").live
    restricted = ArticlePage.objects.get(title__startswith="Template: Password Protected")
    assert PageViewRestriction.objects.get(page=restricted).password == "enter"
    draft = ArticlePage.objects.get(slug="draft")
    assert not draft.live
    scheduled = ArticlePage.objects.get(title="Scheduled")
    assert not scheduled.live and scheduled.go_live_at.year == 2030


def test_featured_image_from_local_uploads(imported) -> None:  # type: ignore[no-untyped-def]
    article = ArticlePage.objects.get(title="WP 6.1 Theme block category")
    assert article.lead_image is not None
    assert article.lead_image_caption == "Albany wind-farm against the sunset, Western Australia"
    assert article.lead_image_alt == "Wind Farm"
    assert NewsImage.objects.count() == 1


def test_titles_are_plain_text(imported) -> None:  # type: ignore[no-untyped-def]
    assert ArticlePage.objects.filter(title="Markup: Title With Markup").exists()
    assert not ArticlePage.objects.filter(title__contains="<").exists()
    assert ArticlePage.objects.filter(
        title__startswith="Markup: Title With Special Characters ~`!@#$%^&*()"
    ).exists()


def test_second_run_creates_nothing(theme_subset: Path, media_dir: Path, imported) -> None:  # type: ignore[no-untyped-def]
    counts = (
        ArticlePage.objects.count(),
        Comment.objects.count(),
        Redirect.objects.count(),
        NewsImage.objects.count(),
    )
    again = wordpress_import(path=theme_subset, media_dir=media_dir)
    assert again.nothing_new
    assert again.existing["articles"] == 10 and again.existing["comments"] == 24
    assert (
        ArticlePage.objects.count(),
        Comment.objects.count(),
        Redirect.objects.count(),
        NewsImage.objects.count(),
    ) == counts
    assert "Nothing new: everything was already imported." in again.render()
