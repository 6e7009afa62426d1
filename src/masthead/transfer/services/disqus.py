"""``masthead import disqus``: Disqus threads are matched to articles and their posts become comments.

A Disqus thread is matched to an article, in order, by: the mapping file (old URL → new
URL), a redirect left by a WordPress import for the old link, the article's own path, the
WordPress post id in a ``disqus_identifier`` such as ``"123 https://blog/?p=123"``, and last
the final path segment when exactly one article has that slug. Threads that match nothing
are listed in the report with their post counts; their posts are not dropped silently.

The first pass checks the whole file and keeps the threads (small); the second writes one
post per transaction. Disqus lists posts roughly by date, so a reply almost always comes
after its parent; one that does not waits in memory until its parent is written.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from wagtail.contrib.redirects.models import Redirect

from masthead.discussion.models import Comment, CommentStatus, Thread
from masthead.discussion.services import thread_for_page
from masthead.publishing.models import ArticlePage
from masthead.transfer.disqus import DisqusPost, DisqusReader, DisqusThread
from masthead.transfer.models import ImportedObject
from masthead.transfer.report import ImportReport
from masthead.transfer.services.comments import comment_import, thread_recount
from masthead.transfer.services.mapping import imported_id, imported_object_record
from masthead.transfer.xmlsafe import Progress, TransferError

S = CommentStatus


def url_map_read(*, path: Path) -> dict[str, str]:
    """``old URL,new URL`` rows (a header row is allowed) as a lookup keyed by the normalised old URL."""
    mapping: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle), 1):
            if not row or not "".join(row).strip() or row[0].strip().lower() in {"old", "old_url", "from"}:
                continue
            if len(row) < 2 or not row[1].strip():
                raise TransferError("expected two columns: old URL,new URL", line=number, path=str(path))
            mapping[_normal(row[0])] = row[1].strip()
    return mapping


def _normal(url: str) -> str:
    parts = urlsplit(url.strip())
    path = (
        parts.path if parts.path.endswith("/") or "." in parts.path.rsplit("/", 1)[-1] else parts.path + "/"
    )
    return f"{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class _Scan:
    threads: dict[str, DisqusThread] = field(default_factory=dict)
    posts_per_thread: Counter[str] = field(default_factory=Counter)
    forum: str = ""


def _scan(path: Path, progress: Progress | None) -> _Scan:
    scan = _Scan()
    for record in DisqusReader(path, progress=progress):
        if isinstance(record, DisqusThread):
            scan.threads[record.dsq_id] = record
            scan.forum = scan.forum or record.forum
        else:
            scan.posts_per_thread[record.thread_id] += 1
    return scan


def disqus_import(
    *,
    path: Path,
    url_map: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a Disqus export; returns the report. Raises ``TransferError`` for a malformed file."""
    scan = _scan(path, progress)
    report = ImportReport(
        source=f"Disqus export {path.name} (forum {scan.forum or 'unnamed'})", dry_run=dry_run
    )
    writer = _Writer(
        source=f"disqus:{scan.forum or path.name}",
        scan=scan,
        report=report,
        url_map=url_map or {},
        dry_run=dry_run,
    )
    for record in DisqusReader(path, progress=progress):
        if isinstance(record, DisqusPost):
            writer.post(record)
    writer.finish()
    return report


class _Writer:
    def __init__(
        self, *, source: str, scan: _Scan, report: ImportReport, url_map: dict[str, str], dry_run: bool
    ) -> None:
        self.source = source
        self.scan = scan
        self.report = report
        self.url_map = url_map
        self.dry_run = dry_run
        self.articles: dict[str, ArticlePage | None] = {}
        self.waiting: dict[str, list[DisqusPost]] = defaultdict(list)  # parent dsq:id → replies
        # Posts a dry run has handled: it writes nothing the ledger could answer from. A real
        # run asks the ledger instead, so memory does not grow with the number of posts.
        self.done: set[str] = set()
        self.touched: set[int] = set()

    def post(self, post: DisqusPost) -> None:
        thread = self.scan.threads.get(post.thread_id)
        if thread is None:
            self.report.skip("posts whose thread is not in the export")
            return
        if thread.is_deleted:
            self.report.skip("posts in threads deleted on Disqus")
            return
        if self.article_for(thread) is None:
            self.report.skip("posts in unmatched threads (listed under Unmatched)")
            return
        if post.parent_id and post.parent_id not in self.done and not self._imported(post.parent_id):
            self.waiting[post.parent_id].append(post)
            return
        self._write(post)

    def _imported(self, dsq_id: str) -> bool:
        return imported_id(source=self.source, kind="comment", source_id=dsq_id) is not None

    def _write(self, post: DisqusPost, *, orphan: bool = False) -> None:
        thread = self.scan.threads[post.thread_id]
        article = self.article_for(thread)
        assert article is not None
        with transaction.atomic():
            self._write_one(post, article, orphan=orphan)
            if self.dry_run:
                transaction.set_rollback(True)
        if self.dry_run:
            self.done.add(post.dsq_id)
        for reply in self.waiting.pop(post.dsq_id, []):
            self._write(reply)

    def _write_one(self, post: DisqusPost, article: ArticlePage, *, orphan: bool) -> None:
        if self._imported(post.dsq_id):
            self.report.already("comments")
            return
        discussion = thread_for_page(page=article)
        parent = None
        if post.parent_id and not orphan:
            parent_id = imported_id(source=self.source, kind="comment", source_id=post.parent_id)
            parent = Comment.objects.filter(pk=parent_id).first() if parent_id else None
        if post.is_spam:
            status, reason = S.REJECTED, "spam (imported)"
        elif post.is_deleted:
            status, reason = S.DELETED, ""
        else:
            status, reason = S.VISIBLE, ""
        comment = comment_import(
            thread=discussion,
            parent=parent,
            body_html=post.message,
            status=status,
            status_reason=reason,
            created_at=post.created_at,
            guest_name=post.author_name
            or ("Anonymous" if post.is_anonymous else post.author_username or "Guest"),
            guest_email=post.author_email,
            article=article,
        )
        imported_object_record(source=self.source, kind="comment", source_id=post.dsq_id, target=comment)
        self.report.created("comments")
        # In a dry run the parent was written and rolled back: it is not missing.
        if post.parent_id and parent is None and not (self.dry_run and post.parent_id in self.done):
            self.report.created("replies placed at the top level (parent missing)")
        self.touched.add(discussion.pk)

    def finish(self) -> None:
        """Replies whose parent never came are kept, at the top level; counts are recomputed; misses listed."""
        while self.waiting:
            _, replies = self.waiting.popitem()
            for reply in replies:
                self._write(reply, orphan=True)
        if not self.dry_run:
            for thread in Thread.objects.filter(pk__in=self.touched):
                with transaction.atomic():
                    thread_recount(thread=thread)
        for dsq_id, article in self.articles.items():
            source = self.scan.threads[dsq_id]
            if article is None and not source.is_deleted:
                count = self.scan.posts_per_thread[dsq_id]
                self.report.unmatched.append(
                    f"thread {dsq_id} {source.link or '(no link)'}"
                    + (f" [id {source.identifier}]" if source.identifier else "")
                    + f": {count} post{'s' if count != 1 else ''} not imported"
                )
        if self.report.unmatched:
            self.report.note(
                "Add the new address of unmatched pages to a CSV (old URL,new URL) and pass it with --map."
            )

    # --- matching ---------------------------------------------------------------------------

    def article_for(self, thread: DisqusThread) -> ArticlePage | None:
        if thread.dsq_id not in self.articles:
            self.articles[thread.dsq_id] = self._match(thread)
            if self.articles[thread.dsq_id] is not None:
                self.report.matched["threads matched to articles"] += 1
        return self.articles[thread.dsq_id]

    def _match(self, thread: DisqusThread) -> ArticlePage | None:
        urls = [thread.link]
        identifier = thread.identifier
        wordpress_id = ""
        if identifier.split(" ", 1)[0].isdigit():
            wordpress_id, _, rest = identifier.partition(" ")
            urls.append(rest)
        elif "://" in identifier or identifier.startswith("/"):
            urls.append(identifier)
        urls = [url.strip() for url in urls if url and url.strip()]
        for url in urls:
            mapped = self.url_map.get(_normal(url))
            if mapped and (article := _by_path(mapped)) is not None:
                return article
        for url in urls:
            if (article := _by_path(url)) is not None:
                return article
        if wordpress_id and (article := _by_wordpress_id(wordpress_id)) is not None:
            return article
        for url in urls:
            if (article := _by_slug(url)) is not None:
                return article
        return None


def _by_path(url: str) -> ArticlePage | None:
    parts = urlsplit(url)
    path = parts.path or "/"
    candidates = [path + (f"?{parts.query}" if parts.query else ""), path]
    for candidate in candidates:
        redirect = (
            Redirect.objects.filter(old_path=Redirect.normalise_path(candidate), redirect_page__isnull=False)
            .select_related("redirect_page")
            .first()
        )
        if redirect is not None:
            page = redirect.redirect_page.specific
            if isinstance(page, ArticlePage):
                return page
    wanted = path if path.endswith("/") else path + "/"
    for article in ArticlePage.objects.filter(slug=_last_segment(path)):
        if article.url and urlsplit(article.url).path == wanted:
            return article
    return None


def _by_wordpress_id(post_id: str) -> ArticlePage | None:
    object_ids = ImportedObject.objects.filter(
        source__startswith="wordpress:", kind="post", source_id=post_id
    ).values_list("object_id", flat=True)[:2]
    ids = list(object_ids)
    return ArticlePage.objects.filter(pk=ids[0]).first() if len(ids) == 1 else None


def _by_slug(url: str) -> ArticlePage | None:
    slug = _last_segment(urlsplit(url).path)
    if not slug:
        return None
    found = list(ArticlePage.objects.filter(slug=slug)[:2])
    return found[0] if len(found) == 1 else None


def _last_segment(path: str) -> str:
    segments = [segment for segment in path.split("/") if segment]
    last = segments[-1] if segments else ""
    return (
        ""
        if last in {"index.html", "index.htm"} and len(segments) < 2
        else (segments[-2] if last.startswith("index.") else last)
    )
