"""``masthead export DIR``: the whole site as JSON Lines (schema in docs/export-format.md) plus WXR.

Each kind of record has its own file, one JSON object per line, written from database
iterators so a large site is exported in flat memory. Records name each other by stable
ids: pages by their Wagtail ``translation_key``, people by e-mail address, everything else
by its primary key (which a restore keeps). No password hashes, card data or payment
session links are written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from masthead.discussion.models import Comment, Thread
from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.publishing.models import ArticlePage, AuthorPage, HomePage, NewsImage, SectionPage
from masthead.transfer.services.wxr_export import wxr_write

SCHEMA_VERSION = 1
FORMAT = "masthead-export"
FILES = (
    "images",
    "sections",
    "authors",
    "articles",
    "users",
    "threads",
    "comments",
    "campaigns",
    "donations",
    "ledger",
)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(
        {key: jsonable(value) for key, value in record.items()}, ensure_ascii=False, sort_keys=True
    )


def site_export(*, directory: Path) -> dict[str, Any]:
    """Write the export into ``directory`` (created if needed); returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "images").mkdir(exist_ok=True)
    writers = {
        "images": lambda: _images(directory),
        "sections": _sections,
        "authors": _authors,
        "articles": _articles,
        "users": _users,
        "threads": _threads,
        "comments": _comments,
        "campaigns": _campaigns,
        "donations": _donations,
        "ledger": _ledger,
    }
    files: dict[str, dict[str, Any]] = {}
    for name in FILES:
        files[f"{name}.jsonl"] = _write_lines(directory / f"{name}.jsonl", writers[name]())
    home = HomePage.objects.first()
    site = Site.objects.filter(is_default_site=True).first()
    wxr_write(path=directory / "site.wxr.xml", site_name=site.site_name if site else "", home=home)
    manifest = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "site": {
            "name": (site.site_name if site else "") or "",
            "home_title": home.title if home else "",
            "tagline": home.tagline if home else "",
        },
        "files": files,
        "wxr": "site.wxr.xml",
    }
    (directory / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )
    return manifest


def _write_lines(path: Path, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    digest = hashlib.sha256()
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            line = _dump(record) + "\n"
            handle.write(line)
            digest.update(line.encode())
            count += 1
    return {"records": count, "sha256": digest.hexdigest()}


def _key(page: Any) -> str | None:
    return str(page.translation_key) if page is not None else None


def _images(directory: Path) -> Iterator[dict[str, Any]]:
    for image in NewsImage.objects.order_by("pk").iterator(chunk_size=500):
        name = f"images/{image.pk}{Path(image.file.name).suffix.lower()}"
        try:
            with image.file.open("rb") as source, (directory / name).open("wb") as target:
                shutil.copyfileobj(source, target)
        except FileNotFoundError:
            name = ""
        yield {
            "id": image.pk,
            "title": image.title,
            "file": name,
            "credit": image.credit,
            "licence": image.licence,
            "width": image.width,
            "height": image.height,
        }


def _sections() -> Iterator[dict[str, Any]]:
    for section in SectionPage.objects.order_by("path").iterator(chunk_size=500):
        yield {
            "id": _key(section),
            "title": section.title,
            "slug": section.slug,
            "intro": section.intro,
            "live": section.live,
        }


def _authors() -> Iterator[dict[str, Any]]:
    for author in AuthorPage.objects.order_by("path").iterator(chunk_size=500):
        yield {
            "id": _key(author),
            "title": author.title,
            "slug": author.slug,
            "role": author.role,
            "bio": author.bio,
            "photo": author.photo_id,
            "live": author.live,
        }


def _articles() -> Iterator[dict[str, Any]]:
    sections = {section.path: _key(section) for section in SectionPage.objects.all()}
    passwords = dict(
        PageViewRestriction.objects.filter(restriction_type=PageViewRestriction.PASSWORD).values_list(
            "page_id", "password"
        )
    )
    for page in ArticlePage.objects.order_by("path").iterator(chunk_size=200):
        # A draft's current text lives in its latest revision, not in the page row.
        current = page.get_latest_revision_as_object() if page.has_unpublished_changes else page
        yield {
            "id": _key(page),
            "section": sections.get(page.path[: -ArticlePage.steplen]),
            "title": current.title,
            "slug": page.slug,
            "standfirst": current.standfirst,
            "dateline": current.dateline,
            "body": list(current.body.raw_data),
            "lead_image": current.lead_image_id,
            "lead_image_caption": current.lead_image_caption,
            "lead_image_alt": current.lead_image_alt,
            "tags": sorted(tag.name for tag in current.tags.all()),
            "bylines": [_key(byline.author) for byline in current.bylines.all().order_by("sort_order")],
            "corrections": [
                {"kind": c.kind, "published_at": jsonable(c.published_at), "text": c.text}
                for c in current.corrections.all().order_by("sort_order", "published_at")
            ],
            "live": page.live,
            "first_published_at": page.first_published_at,
            "last_published_at": page.last_published_at,
            "go_live_at": page.go_live_at,
            "updated_at": current.updated_at,
            "password": passwords.get(page.pk),
        }


def _users() -> Iterator[dict[str, Any]]:
    from allauth.account.models import EmailAddress

    addresses: dict[int, list[dict[str, Any]]] = {}
    for address in EmailAddress.objects.order_by("email").values("user_id", "email", "verified", "primary"):
        addresses.setdefault(address["user_id"], []).append(
            {"email": address["email"], "verified": address["verified"], "primary": address["primary"]}
        )
    for user in get_user_model().objects.order_by("email").iterator(chunk_size=2000):
        yield {
            "id": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "is_active": user.is_active,
            "emails": addresses.get(user.pk, []),
        }


def thread_key(thread: Thread, page_keys: dict[int, str]) -> str:
    return f"page:{page_keys[thread.page_id]}" if thread.page_id else f"url:{thread.url}"


def _page_keys() -> dict[int, str]:
    return {pk: str(key) for pk, key in ArticlePage.objects.values_list("pk", "translation_key")}


def _threads() -> Iterator[dict[str, Any]]:
    keys = _page_keys()
    for thread in Thread.objects.order_by("pk").iterator(chunk_size=2000):
        if thread.page_id and thread.page_id not in keys:
            continue  # a thread on a page that is not an article (none are made today)
        yield {
            "id": thread_key(thread, keys),
            "page": keys.get(thread.page_id) if thread.page_id else None,
            "url": thread.url,
            "title": thread.title,
            "state": thread.state,
            "closes_at": thread.closes_at,
            "created_at": thread.created_at,
        }


def _comments() -> Iterator[dict[str, Any]]:
    keys = _page_keys()
    threads = {
        thread.pk: thread_key(thread, keys)
        for thread in Thread.objects.all()
        if not thread.page_id or thread.page_id in keys
    }
    comments = Comment.objects.select_related("author").order_by("pk")
    for comment in comments.iterator(chunk_size=2000):
        if comment.thread_id not in threads:
            continue
        yield {
            "id": comment.pk,
            "thread": threads[comment.thread_id],
            "parent": comment.parent_id,
            "author": comment.author.email if comment.author is not None else None,
            "guest_name": comment.guest_name,
            "guest_email": comment.guest_email,
            "body": comment.body_source,
            "status": comment.status,
            "status_reason": comment.status_reason,
            "moderation_reasons": comment.moderation_reasons,
            "featured": comment.featured,
            "upvotes": comment.upvotes,
            "downvotes": comment.downvotes,
            "best_rank": comment.best_rank,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "status_changed_at": comment.status_changed_at,
        }


def _campaigns() -> Iterator[dict[str, Any]]:
    for campaign in Campaign.objects.order_by("pk").iterator(chunk_size=500):
        yield {
            "id": campaign.pk,
            "title": campaign.title,
            "description": campaign.description,
            "goal": campaign.goal,
            "currency": campaign.currency,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "recurrence": campaign.recurrence,
            "previous": campaign.previous_id,
            "created_at": campaign.created_at,
        }


DONATION_FIELDS = (
    "frequency", "amount", "currency", "status", "gateway", "offline_method", "name", "email", "listed",
    "message", "livemode", "stripe_customer", "stripe_subscription", "stripe_payment_intent", "created_at",
    "cancelled_at",
)  # fmt: skip


def _donations() -> Iterator[dict[str, Any]]:
    keys = {pk: str(key) for pk, key in ArticlePage.objects.values_list("pk", "translation_key")}
    for donation in Donation.objects.select_related("user").order_by("pk").iterator(chunk_size=2000):
        record = {
            "id": donation.pk,
            "public_id": donation.public_id,
            "campaign": donation.campaign_id,
            "article": keys.get(donation.article_id) if donation.article_id else None,
            "user": donation.user.email if donation.user is not None else None,
        }
        record.update({name: getattr(donation, name) for name in DONATION_FIELDS})
        yield record


LEDGER_FIELDS = (
    "kind", "amount", "currency", "gateway", "external_id", "payment_reference", "occurred_at", "recorded_at", "note",
)  # fmt: skip


def _ledger() -> Iterator[dict[str, Any]]:
    entries = LedgerEntry.objects.select_related("recorded_by").order_by("pk")
    for entry in entries.iterator(chunk_size=2000):
        record = {
            "id": entry.pk,
            "campaign": entry.campaign_id,
            "donation": entry.donation_id,
            "recorded_by": entry.recorded_by.email if entry.recorded_by is not None else None,
        }
        record.update({name: getattr(entry, name) for name in LEDGER_FIELDS})
        yield record
