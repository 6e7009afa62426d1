"""``masthead import wordpress``: a WXR export becomes sections, authors, articles and discussions.

The file is read twice. The first pass checks the whole file (a malformed export stops
here, naming the line, before anything is written) and keeps the small things later items
refer to: attachments (for featured images) and author names. The second pass writes one
post at a time, each in its own transaction with its comments, so an interrupted import
leaves only whole posts behind and a re-run carries on where it stopped (the ledger of
imported ids makes every step idempotent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services import thread_for_page
from masthead.publishing.models import ArticleByline, ArticlePage, HomePage, NewsImage
from masthead.transfer.markup import html_to_blocks, plain_text, summary
from masthead.transfer.report import ImportReport
from masthead.transfer.services import site as site_pages
from masthead.transfer.services.comments import comment_import, thread_recount
from masthead.transfer.services.mapping import imported_id, imported_object_record
from masthead.transfer.wxr import WxrAuthor, WxrComment, WxrPost, WxrReader
from masthead.transfer.xmlsafe import Progress

S = CommentStatus
STATUS_MAP = {
    "1": (S.VISIBLE, ""),
    "approve": (S.VISIBLE, ""),
    "0": (S.PENDING, ""),
    "hold": (S.PENDING, ""),
    "spam": (S.REJECTED, "spam (imported)"),
    "trash": (S.DELETED, ""),
    "post-trashed": (S.DELETED, ""),
}
_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass
class Attachment:
    url: str
    title: str
    caption: str
    alt: str
    credit: str


@dataclass
class _Scan:
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    attachments: dict[str, Attachment] = field(default_factory=dict)  # post id → attachment
    by_url: dict[str, Attachment] = field(default_factory=dict)
    site_url: str = ""
    title: str = ""


def _scan(path: Path, progress: Progress | None) -> _Scan:
    """Read the whole file once: it must be well-formed before anything is written."""
    scan = _Scan()
    reader = WxrReader(path, progress=progress)
    for record in reader:
        if isinstance(record, WxrAuthor):
            scan.authors[record.login] = record.display_name
        elif isinstance(record, WxrPost) and record.post_type == "attachment" and record.attachment_url:
            scan.attachments[record.post_id] = Attachment(
                url=record.attachment_url,
                title=plain_text(record.title),
                caption=plain_text(record.excerpt),
                alt=plain_text(record.meta.get("_wp_attachment_image_alt", "")),
                credit=_credit(record.meta.get("_wp_attachment_metadata", "")),
            )
            scan.by_url[record.attachment_url] = scan.attachments[record.post_id]
    scan.site_url = reader.channel.site_url
    scan.title = reader.channel.title
    return scan


def _credit(serialized: str) -> str:
    # WordPress keeps EXIF/IPTC credit inside PHP-serialized attachment metadata.
    match = _CREDIT.search(serialized or "")
    return match.group(1).strip() if match else ""


def wordpress_import(
    *, path: Path, dry_run: bool = False, media_dir: Path | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import a WXR file; returns the report. Raises ``TransferError`` for a malformed file."""
    scan = _scan(path, progress)
    report = ImportReport(
        source=f"WordPress export {path.name} ({scan.site_url or 'no site address'})", dry_run=dry_run
    )
    writer = _Writer(
        source=f"wordpress:{scan.site_url or path.name}",
        scan=scan,
        report=report,
        media_dir=media_dir,
        dry_run=dry_run,
    )
    for record in WxrReader(path, progress=progress):
        if isinstance(record, WxrPost):
            writer.post(record)
    return report


class _Writer:
    def __init__(
        self, *, source: str, scan: _Scan, report: ImportReport, media_dir: Path | None, dry_run: bool
    ) -> None:
        self.source = source
        self.scan = scan
        self.report = report
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.current_post = ""

    def post(self, post: WxrPost) -> None:
        comments = [comment for comment in post.comments if not comment.is_ping]
        pings = len(post.comments) - len(comments)
        if pings:
            self.report.skip("pingbacks and trackbacks", pings)
        if post.post_type not in {"post", ""}:
            if post.post_type not in {"attachment", "nav_menu_item"}:
                self.report.skip(f"WordPress {post.post_type} items (only posts become articles)")
            if comments:
                self.report.skip("comments on items that are not posts", len(comments))
            return
        if not post.source_key or post.status in {"trash", "auto-draft"}:
            self.report.skip(
                "posts in the WordPress trash" if post.source_key else "items without an id or link"
            )
            if comments:
                self.report.skip("comments on items that are not posts", len(comments))
            return
        try:
            with transaction.atomic():
                article = self.article(post)
                self.comments(post, article, comments)
                if self.dry_run:
                    transaction.set_rollback(True)
        except ValidationError as error:
            # One post the page model refuses must not stop a long import; it is rolled back whole.
            self.report.skip("posts refused by validation (see notes)")
            self.report.note(
                f"line {post.line}: post {post.source_key} not imported: {'; '.join(error.messages)}"
            )

    # --- articles ---------------------------------------------------------------------------

    def article(self, post: WxrPost) -> ArticlePage:
        known = imported_id(source=self.source, kind="post", source_id=post.source_key)
        if known is not None and (article := ArticlePage.objects.filter(pk=known).first()) is not None:
            self.report.already("articles")
            return article
        home = site_pages.home_page(title=self.scan.title or "Masthead")
        slug, name = post.categories[0] if post.categories else ("uncategorized", "Uncategorized")
        section, created = site_pages.section_for(source=self.source, slug=slug, name=name, home=home)
        if created:
            self.report.created("sections")
        author = self._author(post, home)
        self.current_post = post.source_key
        body = html_to_blocks(post.content, find_image=self._body_image)
        if body.images_missing:
            self.report.skip("body images whose file is not available locally", body.images_missing)
        if body.shortcodes_dropped:
            self.report.skip(
                "galleries and media players (shortcodes) in post bodies", body.shortcodes_dropped
            )
        title = plain_text(post.title)[:255] or f"Untitled (WordPress post {post.post_id or post.source_key})"
        standfirst = summary(plain_text(post.excerpt)) or summary(_first_text(body.blocks)) or title
        article = ArticlePage(
            title=title,
            slug=site_pages.free_slug(section, site_pages.wp_slug(post.slug, title)),
            standfirst=standfirst,
            body=body.blocks,
            live=False,
        )
        self._lead_image(post, article)
        article.bylines.add(ArticleByline(author=author, sort_order=0))
        tags = [name for _, name in post.tags] + [name for _, name in post.categories[1:]]
        if tags:
            article.tags.add(*{tag[:100] for tag in tags})
        if post.status == "future" and post.date and post.date > timezone.now():
            article.go_live_at = post.date
        section.add_child(instance=article)
        self._publish(post, article)
        if post.password:
            PageViewRestriction.objects.create(
                page=article, restriction_type=PageViewRestriction.PASSWORD, password=post.password[:255]
            )
        imported_object_record(source=self.source, kind="post", source_id=post.source_key, target=article)
        self.report.created("articles")
        self._redirects(post, article)
        return article

    def _author(self, post: WxrPost, home: HomePage) -> object:
        login = post.creator.strip("<> ") or "unknown"  # the theme unit data has ">themereviewteam"
        author, created = site_pages.author_for(
            source=self.source, login=login, name=self.scan.authors.get(login, login), home=home
        )
        if created:
            self.report.created("author pages")
        return author

    def _publish(self, post: WxrPost, article: ArticlePage) -> None:
        revision = article.save_revision()
        if post.status == "publish" or (post.status == "future" and article.go_live_at):
            revision.publish()
        else:
            self.report.created("articles left as drafts (WordPress draft, pending or private)")
            return
        if post.status == "publish" and post.date is not None:
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=post.date, last_published_at=post.date
            )
            article.first_published_at = article.last_published_at = post.date

    def _redirects(self, post: WxrPost, article: ArticlePage) -> None:
        article.refresh_from_db(fields=["url_path"])
        links = [post.link] if post.link else []
        if post.post_id.isdigit():
            links.append(f"/?p={post.post_id}")
        for link in links:
            if site_pages.redirect_add(old_url=link, page=article):
                self.report.created("redirects from old links")

    def _lead_image(self, post: WxrPost, article: ArticlePage) -> None:
        attachment = self.scan.attachments.get(post.meta.get("_thumbnail_id", "").strip())
        if attachment is None:
            return
        image = self._image(attachment)
        if image is None:
            self.report.skip("featured images whose file is not available locally")
            self.report.missing_files.append(
                {
                    "post": post.source_key,
                    "url": attachment.url,
                    "caption": attachment.caption,
                    "credit": attachment.credit,
                }
            )
            self.report.note(
                "Images are never fetched from the network: pass --media-dir with a copy of wp-content/uploads."
            )
            return
        article.lead_image = image
        article.lead_image_caption = attachment.caption[:500]
        article.lead_image_alt = (attachment.alt or attachment.caption or attachment.title or article.title)[
            :300
        ]

    def _image(self, attachment: Attachment) -> NewsImage | None:
        known = imported_id(source=self.source, kind="attachment", source_id=attachment.url)
        if known is not None and (image := NewsImage.objects.filter(pk=known).first()) is not None:
            return image
        path = site_pages.local_file(self.media_dir, attachment.url)
        image = (
            site_pages.image_from_file(path=path, title=attachment.title, credit=attachment.credit)
            if path
            else None
        )
        if image is not None:
            imported_object_record(
                source=self.source, kind="attachment", source_id=attachment.url, target=image
            )
            self.report.created("images")
        return image

    def _body_image(self, src: str, alt: str, caption: str) -> NewsImage | None:
        # Bodies often show a resized copy ("photo-300x200.jpg") of the uploaded original.
        original = _SIZE_SUFFIX.sub("", src)
        attachment = self.scan.by_url.get(src) or self.scan.by_url.get(original)
        if attachment is None:
            attachment = Attachment(url=original, title=alt or caption, caption=caption, alt=alt, credit="")
        image = self._image(attachment)
        if image is None:
            self.report.missing_files.append(
                {"post": self.current_post, "url": src, "caption": caption, "credit": attachment.credit}
            )
        return image

    # --- comments ---------------------------------------------------------------------------

    def comments(self, post: WxrPost, article: ArticlePage, comments: list[WxrComment]) -> None:
        if not comments:
            return
        thread = thread_for_page(page=article)
        made: dict[str, Comment] = {}
        wrote = False
        for comment in _parents_first(comments):
            key = f"{post.source_key}/{comment.comment_id}"
            known = imported_id(source=self.source, kind="comment", source_id=key)
            if known is not None and (existing := Comment.objects.filter(pk=known).first()) is not None:
                made[comment.comment_id] = existing
                self.report.already("comments")
                continue
            status, reason = STATUS_MAP.get(comment.approved, (S.PENDING, ""))
            parent = made.get(comment.parent_id)
            if comment.parent_id not in {"", "0"} and parent is None:
                self.report.note(
                    "Replies whose parent comment is missing from the export were placed at the top level."
                )
                self.report.created("replies placed at the top level (parent missing)")
            created = comment_import(
                thread=thread,
                parent=parent,
                body_html=comment.content,
                status=status,
                status_reason=reason,
                created_at=comment.date or article.first_published_at or timezone.now(),
                guest_name=plain_text(comment.author) or "Guest",
                guest_email=comment.author_email,
                article=article,
            )
            imported_object_record(source=self.source, kind="comment", source_id=key, target=created)
            made[comment.comment_id] = created
            self.report.created("comments")
            wrote = True
        if wrote:
            thread_recount(thread=thread)


def _parents_first(comments: list[WxrComment]) -> list[WxrComment]:
    """Comments ordered so that each parent comes before its replies (exports do not promise it)."""
    ids = {comment.comment_id for comment in comments}
    children: dict[str, list[WxrComment]] = {}
    roots: list[WxrComment] = []
    for comment in comments:
        if comment.parent_id in ids and comment.parent_id != comment.comment_id:
            children.setdefault(comment.parent_id, []).append(comment)
        else:
            roots.append(comment)
    ordered: list[WxrComment] = []
    stack = list(reversed(roots))
    seen: set[str] = set()
    while stack:
        comment = stack.pop()
        if comment.comment_id in seen:
            continue
        seen.add(comment.comment_id)
        ordered.append(comment)
        stack.extend(reversed(children.get(comment.comment_id, [])))
    # A cycle (a→b→a) has no root: its members are still imported, at the top level.
    ordered += [comment for comment in comments if comment.comment_id not in seen]
    return ordered


def _first_text(blocks: list[tuple[str, object]]) -> str:
    for kind, value in blocks:
        if kind == "paragraph" and isinstance(value, str):
            return plain_text(value)
    return ""
