"""Export, restore into an empty site, export again: the same records."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.discussion.models import Comment, Thread
from masthead.discussion.services import comment_create, comment_set_status, thread_for_page
from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.publishing.models import ArticlePage, NewsImage
from masthead.transfer.services.export import FILES, site_export
from masthead.transfer.services.restore import masthead_import
from masthead.transfer.wxr import WxrPost, WxrReader
from masthead.transfer.xmlsafe import TransferError
from tests.publishing.factories import make_article, make_author, make_image, make_section, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(commenter, moderator):  # type: ignore[no-untyped-def]
    """A small demo-like site: sections, authors, articles (one draft), a comment tree, a campaign and gifts."""
    politics = make_section(title="Politics")
    climate = make_section(title="Environment")
    ana = make_author(title="Ana Ruiz")
    photo = make_image(title="Assembly hall", credit="Photo: Lena Ortiz")
    budget = make_article(
        title="Assembly passes a budget",
        section=politics,
        authors=[ana],
        tags=["budget", "assembly"],
        lead_image=photo,
        lead_image_caption="The vote",
        corrections=["An earlier version misspelt a name."],
        body=[
            paragraph("The vote came at <b>dawn</b>."),
            ("heading", "What next"),
            ("quote", {"quote": "Done.", "attribution": "A clerk"}),
        ],
        published_at=timezone.now() - timedelta(days=2),
    )
    make_article(title="Delta floods", section=climate, authors=[ana], live=False)
    thread = thread_for_page(page=budget)

    def post(**fields):  # type: ignore[no-untyped-def]
        # New commenters are held for moderation; the moderator lets these through.
        comment = comment_create(thread=thread, **fields)
        if comment.status == "pending":
            comment = comment_set_status(comment=comment, status="visible", actor=moderator)
        return comment

    first = post(author=commenter, body="A *fair* budget.")
    reply = post(
        author=None, guest_name="Guest Γιάννης", guest_email="g@example.org", body="Agreed.", parent=first
    )
    post(author=commenter, body="Third level.", parent=reply)
    gone = post(author=commenter, body="Regret this.")
    comment_set_status(comment=gone, status="deleted", actor=commenter)
    site = Site.objects.get(is_default_site=True)
    campaign = Campaign.objects.create(
        site=site,
        title="Winter drive",
        goal=500_000,
        currency="EUR",
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 12, 1),
    )
    gift = Donation.objects.create(
        campaign=campaign,
        article=budget,
        user=commenter,
        amount=2_500,
        currency="EUR",
        status="succeeded",
        gateway="offline",
        offline_method="cash",
        name="Χρηστος",
        listed=True,
    )
    LedgerEntry.objects.create(
        campaign=campaign,
        donation=gift,
        kind="offline_gift",
        amount=2_500,
        currency="EUR",
        gateway="offline",
        external_id="cash-1",
        recorded_by=moderator,
    )
    return budget


def _wipe() -> None:
    """Empty the content, discussion and funding tables (what a fresh database would have)."""
    LedgerEntry.objects.all().delete()
    Donation.objects.all().delete()
    Campaign.objects.all().delete()
    Comment.objects.all().delete()
    Thread.objects.all().delete()
    home = Page.objects.get(depth=2)
    for child in home.get_children():
        child.delete()
    NewsImage.objects.all().delete()


def _records(directory: Path) -> dict[str, list[dict]]:
    return {
        name: [json.loads(line) for line in (directory / f"{name}.jsonl").read_text().splitlines()]
        for name in FILES
    }


def test_export_restore_export_gives_identical_records(newsroom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "first"
    manifest = site_export(directory=first)
    assert manifest["files"]["articles.jsonl"]["records"] == 2
    assert manifest["files"]["comments.jsonl"]["records"] == 4
    assert manifest["files"]["ledger.jsonl"]["records"] == 1
    _wipe()
    report = masthead_import(directory=first)
    assert report.imported["comments"] == 4
    second = tmp_path / "second"
    again = site_export(directory=second)
    assert _records(first) == _records(second)
    assert {name: info["sha256"] for name, info in manifest["files"].items()} == {
        name: info["sha256"] for name, info in again["files"].items()
    }
    restored = ArticlePage.objects.get(title="Assembly passes a budget")
    assert restored.live and not ArticlePage.objects.get(title="Delta floods").live
    thread = Thread.objects.get(page=restored)
    assert (thread.comment_count, thread.top_level_count) == (3, 1)
    deepest = Comment.objects.get(body_source="Third level.")
    assert deepest.depth == 2 and deepest.author.email == "commenter@example.org"


def test_export_leaves_out_secrets(newsroom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_export(directory=tmp_path / "out")
    text = "".join((tmp_path / "out" / f"{name}.jsonl").read_text() for name in FILES)
    assert "pbkdf2" not in text and "password" not in json.loads(
        (tmp_path / "out/users.jsonl").read_text().splitlines()[0]
    )
    assert "checkout_url" not in text and "request_token" not in text


def test_wxr_copy_reads_back(newsroom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_export(directory=tmp_path / "out")
    posts = [r for r in WxrReader(tmp_path / "out/site.wxr.xml") if isinstance(r, WxrPost)]
    assert sorted(p.title for p in posts) == ["Assembly passes a budget", "Delta floods"]
    budget = next(p for p in posts if p.title == "Assembly passes a budget")
    assert len(budget.comments) == 4
    assert {c.approved for c in budget.comments} == {"1", "trash"}
    assert "<h2>What next</h2>" in budget.content


def test_restore_refuses_a_site_with_content(newsroom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_export(directory=tmp_path / "out")
    with pytest.raises(TransferError, match="already has 2 articles, 4 comments, 1 donations"):
        masthead_import(directory=tmp_path / "out")


def test_broken_export_line_is_named_and_nothing_written(newsroom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    site_export(directory=out)
    _wipe()
    lines = (out / "comments.jsonl").read_text().splitlines()
    lines[2] = lines[2][:20]
    (out / "comments.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(TransferError, match=r"comments.jsonl: line 3: not JSON"):
        masthead_import(directory=out)
    assert ArticlePage.objects.count() == 0


def test_export_command_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("export", str(tmp_path))
    out = StringIO()
    call_command("export", str(tmp_path / "new"), stdout=out)
    assert "articles.jsonl: 0 records" in out.getvalue()
