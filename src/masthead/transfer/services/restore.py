"""``masthead import masthead DIR``: restore a ``masthead export`` into an empty site.

Pages keep their ``translation_key`` and comments, images and funding records keep their
primary keys, so exporting the restored site writes the same records again. Restoring is
refused where the site already has articles, comments or donations: merging two sites is a
different operation with different questions (whose section wins, which ids move).
Every file is checked line by line before anything is written; then the whole restore runs
in one transaction, so a failure leaves the site as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import PageViewRestriction

from masthead.discussion.models import Comment, Thread
from masthead.discussion.services import thread_for_page
from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.publishing.models import (
    ArticleByline,
    ArticleCorrection,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    NewsImage,
    SectionPage,
)
from masthead.transfer.report import ImportReport
from masthead.transfer.services import site as site_pages
from masthead.transfer.services.comments import comment_import, thread_recount
from masthead.transfer.services.export import DONATION_FIELDS, FILES, FORMAT, LEDGER_FIELDS, SCHEMA_VERSION
from masthead.transfer.xmlsafe import TransferError

REQUIRED = {
    "images": {"id", "title", "file"},
    "sections": {"id", "title", "slug"},
    "authors": {"id", "title", "slug"},
    "articles": {"id", "section", "title", "slug", "body", "bylines", "live"},
    "users": {"id", "display_name"},
    "threads": {"id", "state"},
    "comments": {"id", "thread", "parent", "body", "status", "created_at"},
    "campaigns": {"id", "title", "goal", "currency", "starts_on", "ends_on"},
    "donations": {"id", "public_id", "campaign", "amount", "currency", "status", "gateway"},
    "ledger": {"id", "campaign", "donation", "kind", "amount", "currency", "gateway", "external_id"},
}


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _required_when(value: str, what: str) -> datetime:
    parsed = parse_datetime(value or "")
    if parsed is None:
        raise TransferError(f"{what}: {value!r} is not a date and time (expected ISO 8601)")
    return parsed


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise TransferError(f"{what}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def _records(directory: Path, name: str) -> Iterator[dict[str, Any]]:
    path = directory / f"{name}.jsonl"
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise TransferError(
                    f"not JSON ({error.msg}); expected one object per line", line=number, path=str(path)
                ) from None
            if not isinstance(record, dict) or not REQUIRED[name] <= record.keys():
                missing = sorted(REQUIRED[name] - (record.keys() if isinstance(record, dict) else set()))
                raise TransferError(
                    f"a {name} record without {', '.join(missing)}", line=number, path=str(path)
                )
            yield record


def _check(directory: Path) -> dict[str, Any]:
    manifest_path = directory / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TransferError(
            "no manifest.json (expected a directory written by `masthead export`)", path=str(directory)
        ) from None
    except json.JSONDecodeError as error:
        raise TransferError(
            f"manifest.json is not JSON ({error.msg})", line=error.lineno, path=str(manifest_path)
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("schema_version") != SCHEMA_VERSION:
        raise TransferError(
            f"format {manifest.get('format')!r} version {manifest.get('schema_version')!r} "
            f"(expected {FORMAT!r} version {SCHEMA_VERSION})",
            path=str(manifest_path),
        )
    for name in FILES:
        for _ in _records(directory, name):
            pass
    return manifest


def _refuse_non_empty() -> None:
    existing = {
        "articles": ArticlePage.objects.count(),
        "comments": Comment.objects.count(),
        "donations": Donation.objects.count(),
    }
    if any(existing.values()):
        found = ", ".join(f"{count} {name}" for name, count in existing.items() if count)
        raise TransferError(
            f"this site already has {found}; a Masthead export is restored into an empty site"
        )


def masthead_import(*, directory: Path, dry_run: bool = False) -> ImportReport:
    """Restore an export directory; returns the report. Raises ``TransferError`` before writing on bad input."""
    manifest = _check(directory)
    _refuse_non_empty()
    report = ImportReport(source=f"Masthead export {directory}", dry_run=dry_run)
    with transaction.atomic():
        _Restore(directory, manifest, report).run()
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Restore:
    def __init__(self, directory: Path, manifest: dict[str, Any], report: ImportReport) -> None:
        self.directory = directory
        self.manifest = manifest
        self.report = report
        self.pages: dict[str, Any] = {}
        self.users: dict[str, Any] = {}

    def run(self) -> None:
        site = self.manifest.get("site", {})
        self.home = site_pages.home_page(title=site.get("home_title") or site.get("name") or "Masthead")
        for name in FILES:
            for record in _records(self.directory, name):
                getattr(self, f"_{name}")(record)
                self.report.created(name)
        for thread in Thread.objects.all():
            thread_recount(thread=thread)
        _reset_sequences()

    def _images(self, record: dict[str, Any]) -> None:
        source = self.directory / record["file"] if record["file"] else None
        if (
            source is None
            or not source.resolve().is_relative_to(self.directory.resolve())
            or not source.is_file()
        ):
            raise TransferError(f"image {record['id']}: its file {record['file']!r} is not in the export")
        with source.open("rb") as handle:
            NewsImage.objects.create(
                pk=record["id"],
                title=record["title"],
                file=ImageFile(handle, name=source.name),
                credit=record.get("credit", ""),
                licence=record.get("licence", ""),
            )

    def _page(self, parent: Any, page: Any, record: dict[str, Any], *, live: bool) -> Any:
        page.translation_key = UUID(record["id"])
        page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        self.pages[record["id"]] = page
        return page

    def _sections(self, record: dict[str, Any]) -> None:
        section = SectionPage(title=record["title"], slug=record["slug"], intro=record.get("intro", ""))
        self._page(self.home, section, record, live=record.get("live", True))

    def _authors(self, record: dict[str, Any]) -> None:
        index = AuthorIndexPage.objects.child_of(self.home).first()
        if index is None:
            index = AuthorIndexPage(title="Authors", slug=site_pages.free_slug(self.home, "authors"))
            self.home.add_child(instance=index)
            index.save_revision().publish()
        author = AuthorPage(
            title=record["title"],
            slug=record["slug"],
            role=record.get("role", ""),
            bio=record.get("bio", ""),
            photo_id=record.get("photo"),
        )
        self._page(index, author, record, live=record.get("live", True))

    def _articles(self, record: dict[str, Any]) -> None:
        section = self.pages.get(record["section"])
        if section is None:
            raise TransferError(
                f"article {record['id']}: its section {record['section']} is not in the export"
            )
        article = ArticlePage(
            title=record["title"],
            slug=record["slug"],
            standfirst=record.get("standfirst", ""),
            dateline=record.get("dateline", ""),
            body=json.dumps(record["body"]),
            lead_image_id=record.get("lead_image"),
            lead_image_caption=record.get("lead_image_caption", ""),
            lead_image_alt=record.get("lead_image_alt", ""),
            go_live_at=_when(record.get("go_live_at")),
            updated_at=_when(record.get("updated_at")),
        )
        for position, key in enumerate(record["bylines"]):
            article.bylines.add(ArticleByline(author=self.pages[key], sort_order=position))
        for position, correction in enumerate(record.get("corrections", [])):
            article.corrections.add(
                ArticleCorrection(
                    kind=correction["kind"],
                    text=correction["text"],
                    published_at=_when(correction["published_at"]),
                    sort_order=position,
                )
            )
        if record.get("tags"):
            article.tags.add(*record["tags"])
        scheduled = not record["live"] and article.go_live_at is not None
        self._page(section, article, record, live=record["live"] or scheduled)
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=_when(record.get("first_published_at")),
            last_published_at=_when(record.get("last_published_at")),
        )
        if record.get("password"):
            PageViewRestriction.objects.create(
                page=article, restriction_type=PageViewRestriction.PASSWORD, password=record["password"]
            )

    def _users(self, record: dict[str, Any]) -> None:
        from allauth.account.models import EmailAddress

        model = get_user_model()
        user = model.objects.filter(email__iexact=record["id"]).first()
        if user is None:
            # No password travels in an export: people set a new one through "forgot password".
            user = model.objects.create_user(
                email=record["id"], password=None, display_name=record["display_name"]
            )
        model.objects.filter(pk=user.pk).update(
            display_name=record["display_name"],
            date_joined=_when(record.get("date_joined")) or user.date_joined,
            is_active=record.get("is_active", True),
        )
        for address in record.get("emails", []):
            EmailAddress.objects.update_or_create(
                user=user,
                email=address["email"],
                defaults={"verified": address["verified"], "primary": address["primary"]},
            )
        self.users[record["id"]] = user

    def _threads(self, record: dict[str, Any]) -> None:
        if record.get("page"):
            thread = thread_for_page(page=self.pages[record["page"]])
        else:
            thread = Thread.objects.create(url=record["url"], title=record.get("title", ""))
        Thread.objects.filter(pk=thread.pk).update(
            title=record.get("title", ""),
            state=record["state"],
            closes_at=_when(record.get("closes_at")),
            created_at=_when(record.get("created_at")) or thread.created_at,
        )
        self.pages[f"thread:{record['id']}"] = thread

    def _comments(self, record: dict[str, Any]) -> None:
        thread = self.pages.get(f"thread:{record['thread']}")
        if thread is None:
            raise TransferError(f"comment {record['id']}: its thread {record['thread']} is not in the export")
        parent = Comment.objects.get(pk=record["parent"]) if record["parent"] else None
        comment = comment_import(
            thread=thread,
            parent=parent,
            body_source=record["body"],
            status=record["status"],
            status_reason=record.get("status_reason", ""),
            created_at=_required_when(record["created_at"], f"comment {record['id']}"),
            guest_name=record.get("guest_name", ""),
            guest_email=record.get("guest_email", ""),
            screen=False,
            comment_id=record["id"],
        )
        Comment.objects.filter(pk=comment.pk).update(
            author=self.users.get(record["author"]) if record.get("author") else None,
            guest_name=record.get("guest_name", ""),
            moderation_reasons=record.get("moderation_reasons", []),
            featured=record.get("featured", False),
            upvotes=record.get("upvotes", 0),
            downvotes=record.get("downvotes", 0),
            best_rank=record.get("best_rank", 0),
            edited_at=_when(record.get("edited_at")),
            status_changed_at=_when(record.get("status_changed_at")),
        )

    def _campaigns(self, record: dict[str, Any]) -> None:
        Campaign.objects.create(
            pk=record["id"],
            site=self.home.get_site() or _default_site(),
            title=record["title"],
            description=record.get("description", ""),
            goal=record["goal"],
            currency=record["currency"],
            starts_on=_day(record["starts_on"], f"campaign {record['id']}"),
            ends_on=_day(record["ends_on"], f"campaign {record['id']}"),
            recurrence=record.get("recurrence", "none"),
            previous_id=record.get("previous"),
            created_at=_when(record.get("created_at")) or timezone.now(),
        )

    def _donations(self, record: dict[str, Any]) -> None:
        values = {name: record.get(name) for name in DONATION_FIELDS if name in record}
        for name in ("created_at", "cancelled_at"):
            values[name] = _when(values.get(name))
        article = self.pages.get(record["article"]) if record.get("article") else None
        Donation.objects.create(
            pk=record["id"],
            public_id=UUID(record["public_id"]),
            campaign_id=record["campaign"],
            article=article,
            user=self.users.get(record["user"]) if record.get("user") else None,
            **values,
        )

    def _ledger(self, record: dict[str, Any]) -> None:
        values = {name: record.get(name) for name in LEDGER_FIELDS if name in record}
        for name in ("occurred_at", "recorded_at"):
            values[name] = _when(values.get(name))
        LedgerEntry.objects.create(
            pk=record["id"],
            campaign_id=record["campaign"],
            donation_id=record["donation"],
            recorded_by=self.users.get(record["recorded_by"]) if record.get("recorded_by") else None,
            **values,
        )


def _default_site() -> Any:
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True)


def _reset_sequences() -> None:
    """Kept primary keys were inserted explicitly; PostgreSQL's sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [NewsImage, Comment, Campaign, Donation, LedgerEntry]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
