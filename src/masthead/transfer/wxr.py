"""A streaming reader for WordPress eXtended RSS (WXR 1.0, 1.1 and 1.2).

It yields plain dataclasses in document order: the channel's authors and terms, then one
``WxrPost`` per ``<item>`` with its comments attached. Each item is released as soon as it
is read, so memory stays flat however large the export is.

Namespaces are matched by meaning, not by exact URI: the WordPress namespace is any
``http(s)://wordpress.org/export/1.x/`` URI (WordPress.com writes https, self-hosted
WordPress http). An element whose prefix is rebound to some other URI is not WordPress
data and is ignored, which is what the importer's own namespace edge-case tests expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from masthead.transfer.xmlsafe import Progress, TransferError, iter_elements, release, text_of

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(1\.[0-2])/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
VERSION = re.compile(r"^1\.[0-2]$")
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")


@dataclass
class WxrChannel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    version_from_namespace: str = ""

    @property
    def site_url(self) -> str:
        """The blog's own address: old permalinks are relative to it."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


@dataclass
class WxrAuthor:
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""
    author_id: str = ""
    line: int = 0


@dataclass
class WxrTerm:
    """A category, tag or custom term from the channel header."""

    taxonomy: str  # "category", "post_tag" or a custom taxonomy name
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""
    term_id: str = ""
    line: int = 0


@dataclass
class WxrComment:
    comment_id: str
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: datetime | None
    content: str
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    comment_type: str  # "", "comment", "pingback", "trackback"
    parent_id: str  # "0" or "" for a top-level comment
    user_id: str
    meta: dict[str, str] = field(default_factory=dict)
    line: int = 0

    @property
    def is_ping(self) -> bool:
        return self.comment_type in {"pingback", "trackback"}


@dataclass
class WxrPost:
    post_id: str
    post_type: str
    title: str
    link: str
    slug: str
    status: str
    creator: str
    content: str
    excerpt: str
    date: datetime | None
    password: str = ""
    guid: str = ""
    parent_id: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)
    line: int = 0

    @property
    def source_key(self) -> str:
        """What identifies this item across runs: its post id, else the id in ``?p=N``, else its link."""
        if self.post_id:
            return self.post_id
        query = parse_qs(urlsplit(self.link).query)
        if query.get("p", [""])[0].isdigit():
            return query["p"][0]
        return f"link:{self.link or self.guid}" if (self.link or self.guid) else ""


WxrRecord = WxrAuthor | WxrTerm | WxrPost


def parse_wp_date(value: str, *, line: int, what: str) -> datetime | None:
    """A WordPress ``Y-m-d H:i:s`` GMT date; the all-zero date of drafts means "none"."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise TransferError(
            f"{what} is {value!r} (expected a date like 2017-10-03 14:05:00)", line=line
        ) from None


def _rfc822(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class WxrReader:
    """Iterate a WXR file: ``for record in WxrReader(path): ...``; ``channel`` fills in as it goes."""

    def __init__(self, path: str | Path, *, progress: Progress | None = None) -> None:
        self.path = str(path)
        self.progress = progress
        self.channel = WxrChannel()
        self._checked_version = False

    def __iter__(self) -> Iterator[WxrRecord]:
        depth = 0
        root_seen = False
        for event, element in iter_elements(self.path, progress=self.progress):
            if event == "start":
                depth += 1
                if not root_seen:
                    root_seen = True
                    self._check_root(element)
                continue
            depth -= 1
            # Records are direct children of <channel> (depth 2 once this end event is counted).
            if depth != 2:
                continue
            record = self._channel_child(element)
            if record is not None:
                yield record
            release(element)
        if not self._checked_version:
            self._check_version(line=None)

    def _check_root(self, element: etree._Element) -> None:
        if etree.QName(element).localname != "rss":
            raise TransferError(
                f"the document starts with <{etree.QName(element).localname}> (expected <rss>, a WordPress export)",
                line=element.sourceline,
                path=self.path,
            )
        for uri in (element.nsmap or {}).values():
            match = WP_NAMESPACE.match(uri or "")
            if match:
                self.channel.version_from_namespace = match.group(1)

    def _channel_child(self, element: etree._Element) -> WxrRecord | None:
        qname = etree.QName(element)
        name, wp = qname.localname, _is_wp(qname.namespace)
        if qname.namespace is None and name in {"title", "link"}:
            setattr(self.channel, name, text_of(element).strip())
        elif wp and name == "wxr_version":
            self.channel.wxr_version = text_of(element).strip()
            self._check_version(line=element.sourceline)
        elif wp and name in {"base_site_url", "base_blog_url"}:
            setattr(self.channel, name, text_of(element).strip())
        elif wp and name == "author":
            return self._author(element)
        elif wp and name in {"category", "tag", "term"}:
            return self._term(element, name)
        elif qname.namespace is None and name == "item":
            if not self._checked_version:
                self._check_version(line=element.sourceline)
            return self._post(element)
        return None

    def _check_version(self, *, line: int | None) -> None:
        self._checked_version = True
        version = self.channel.wxr_version
        if not version:
            # Older and hand-made exports omit the tag; the namespace still says which WXR it is.
            if not self.channel.version_from_namespace:
                raise TransferError(
                    "no <wp:wxr_version> and no WordPress export namespace "
                    '(expected xmlns:wp="http://wordpress.org/export/1.2/")',
                    line=line,
                    path=self.path,
                )
            self.channel.wxr_version = self.channel.version_from_namespace
        elif not VERSION.match(version):
            raise TransferError(
                f"<wp:wxr_version> is {version!r} (expected one of {', '.join(SUPPORTED_VERSIONS)})",
                line=line,
                path=self.path,
            )

    def _author(self, element: etree._Element) -> WxrAuthor | None:
        values = _wp_children(element)
        login = values.get("author_login", "").strip()
        if not login:
            return None
        return WxrAuthor(
            login=login,
            email=values.get("author_email", "").strip(),
            display_name=values.get("author_display_name", "").strip() or login,
            first_name=values.get("author_first_name", "").strip(),
            last_name=values.get("author_last_name", "").strip(),
            author_id=values.get("author_id", "").strip(),
            line=element.sourceline or 0,
        )

    def _term(self, element: etree._Element, kind: str) -> WxrTerm | None:
        values = _wp_children(element)
        if kind == "category":
            taxonomy, slug, name = "category", values.get("category_nicename", ""), values.get("cat_name", "")
            parent = values.get("category_parent", "")
            description = values.get("category_description", "")
        elif kind == "tag":
            taxonomy, slug, name = "post_tag", values.get("tag_slug", ""), values.get("tag_name", "")
            parent, description = "", values.get("tag_description", "")
        else:
            taxonomy, slug, name = (
                values.get("term_taxonomy", ""),
                values.get("term_slug", ""),
                values.get("term_name", ""),
            )
            parent, description = values.get("term_parent", ""), values.get("term_description", "")
        if not slug.strip():
            return None
        return WxrTerm(
            taxonomy=taxonomy.strip(),
            slug=slug.strip(),
            name=name.strip() or slug.strip(),
            parent_slug=parent.strip(),
            description=description.strip(),
            term_id=values.get("term_id", "").strip(),
            line=element.sourceline or 0,
        )

    def _post(self, element: etree._Element) -> WxrPost:
        line = element.sourceline or 0
        values: dict[str, str] = {}
        post = WxrPost(
            post_id="", post_type="", title="", link="", slug="", status="", creator="",
            content="", excerpt="", date=None, line=line,
        )  # fmt: skip
        pub_date = ""
        for child in element:
            qname = etree.QName(child)
            name, namespace = qname.localname, qname.namespace
            if namespace is None:
                if name == "title":
                    post.title = text_of(child).strip()
                elif name == "link":
                    post.link = text_of(child).strip()
                elif name == "guid":
                    post.guid = text_of(child).strip()
                elif name == "pubDate":
                    pub_date = text_of(child)
                elif name == "category":
                    self._item_term(post, child)
            elif namespace == CONTENT_NAMESPACE and name == "encoded":
                post.content = text_of(child)
            elif EXCERPT_NAMESPACE.match(namespace) and name == "encoded":
                post.excerpt = text_of(child)
            elif namespace == DC_NAMESPACE and name == "creator":
                post.creator = text_of(child).strip()
            elif _is_wp(namespace):
                if name == "postmeta":
                    meta = _wp_children(child)
                    post.meta.setdefault(meta.get("meta_key", "").strip(), meta.get("meta_value", ""))
                elif name == "comment":
                    post.comments.append(self._comment(child, post_line=line))
                else:
                    # The first value wins: a second element rebound into the WordPress
                    # namespace under another prefix cannot override the real one.
                    values.setdefault(name, text_of(child))
        post.post_id = values.get("post_id", "").strip()
        # Left empty when absent (Isso's sample): the importer treats such items as posts.
        post.post_type = values.get("post_type", "").strip()
        post.slug = values.get("post_name", "").strip()
        post.status = values.get("status", "").strip() or "publish"
        post.password = values.get("post_password", "")
        post.parent_id = values.get("post_parent", "").strip()
        post.is_sticky = values.get("is_sticky", "0").strip() == "1"
        post.attachment_url = values.get("attachment_url", "").strip()
        post.date = parse_wp_date(values.get("post_date_gmt", ""), line=line, what="<wp:post_date_gmt>")
        if post.date is None and pub_date.strip():
            post.date = _rfc822(pub_date)
        if post.date is None and values.get("post_date", "").strip():
            post.date = parse_wp_date(values["post_date"], line=line, what="<wp:post_date>")
        return post

    @staticmethod
    def _item_term(post: WxrPost, child: etree._Element) -> None:
        domain = child.get("domain", "category")
        name = text_of(child).strip()
        slug = (child.get("nicename") or "").strip()
        if not name:
            return
        if domain == "category":
            post.categories.append((slug, name))
        elif domain == "post_tag":
            post.tags.append((slug, name))

    def _comment(self, element: etree._Element, *, post_line: int) -> WxrComment:
        line = element.sourceline or post_line
        values = _wp_children(element)
        comment_id = values.get("comment_id", "").strip()
        if not comment_id:
            raise TransferError(
                "a <wp:comment> without <wp:comment_id> (expected a number)", line=line, path=self.path
            )
        date = parse_wp_date(values.get("comment_date_gmt", ""), line=line, what="<wp:comment_date_gmt>")
        if date is None:
            date = parse_wp_date(values.get("comment_date", ""), line=line, what="<wp:comment_date>")
        meta: dict[str, str] = {}
        for child in element:
            qname = etree.QName(child)
            if qname.localname == "commentmeta" and _is_wp(qname.namespace):
                pairs = _wp_children(child)
                meta.setdefault(pairs.get("meta_key", "").strip(), pairs.get("meta_value", ""))
        return WxrComment(
            comment_id=comment_id,
            author=values.get("comment_author", "").strip(),
            author_email=values.get("comment_author_email", "").strip(),
            author_url=values.get("comment_author_url", "").strip(),
            author_ip=values.get("comment_author_IP", "").strip(),
            date=date,
            content=values.get("comment_content", "").strip(),
            approved=values.get("comment_approved", "1").strip() or "1",
            comment_type=values.get("comment_type", "").strip(),
            parent_id=values.get("comment_parent", "").strip(),
            user_id=values.get("comment_user_id", "").strip(),
            meta=meta,
            line=line,
        )


def _is_wp(namespace: str | None) -> bool:
    return bool(namespace and WP_NAMESPACE.match(namespace))


def _wp_children(element: etree._Element) -> dict[str, str]:
    """``{localname: text}`` of the WordPress-namespace children; the first of a name wins."""
    values: dict[str, str] = {}
    for child in element:
        qname = etree.QName(child)
        if _is_wp(qname.namespace):
            values.setdefault(qname.localname, text_of(child))
    return values
