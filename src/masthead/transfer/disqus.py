"""A streaming reader for Disqus exports (``<disqus>`` with ``<thread>`` and ``<post>`` children).

Disqus lists threads and posts as siblings; a post names its thread and its parent by
``dsq:id``. The reader yields ``DisqusThread`` and ``DisqusPost`` in document order and
releases each element once read, so a multi-gigabyte export is read in flat memory.
Values that do not mean what Disqus documents (a date that is not a date, a flag that is
neither true nor false) stop the import with the line, rather than being guessed at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from masthead.transfer.xmlsafe import Progress, TransferError, iter_elements, release, text_of

DSQ_NAMESPACE = "http://disqus.com/disqus-internals"
DSQ_ID = f"{{{DSQ_NAMESPACE}}}id"


@dataclass
class DisqusThread:
    dsq_id: str
    identifier: str  # the site's own id for the page (``disqus_identifier``), often empty
    link: str
    title: str
    created_at: datetime | None
    is_closed: bool
    is_deleted: bool
    forum: str = ""
    line: int = 0


@dataclass
class DisqusPost:
    dsq_id: str
    thread_id: str
    parent_id: str  # "" for a top-level post
    message: str
    created_at: datetime
    is_deleted: bool
    is_spam: bool
    author_name: str
    author_email: str
    author_username: str
    is_anonymous: bool
    line: int = 0


DisqusRecord = DisqusThread | DisqusPost


class DisqusReader:
    """Iterate a Disqus export: ``for record in DisqusReader(path): ...``."""

    def __init__(self, path: str | Path, *, progress: Progress | None = None) -> None:
        self.path = str(path)
        self.progress = progress

    def __iter__(self) -> Iterator[DisqusRecord]:
        depth = 0
        for event, element in iter_elements(self.path, progress=self.progress):
            if event == "start":
                depth += 1
                if depth == 1 and etree.QName(element).localname != "disqus":
                    raise self._error(
                        element,
                        f"the document starts with <{etree.QName(element).localname}> (expected <disqus>)",
                    )
                continue
            depth -= 1
            if depth != 1:
                continue
            name = etree.QName(element).localname
            if name == "thread":
                yield self._thread(element)
            elif name == "post":
                yield self._post(element)
            release(element)

    def _error(self, element: etree._Element, message: str) -> TransferError:
        return TransferError(message, line=element.sourceline, path=self.path)

    def _thread(self, element: etree._Element) -> DisqusThread:
        values = _children(element)
        dsq_id = element.get(DSQ_ID, "").strip()
        if not dsq_id:
            raise self._error(element, 'a <thread> without a dsq:id attribute (expected dsq:id="…")')
        return DisqusThread(
            dsq_id=dsq_id,
            identifier=values.get("id", "").strip(),
            link=values.get("link", "").strip(),
            title=values.get("title", "").strip(),
            created_at=self._date(element, values.get("createdAt", ""), required=False),
            is_closed=self._flag(element, values, "isClosed"),
            is_deleted=self._flag(element, values, "isDeleted"),
            forum=values.get("forum", "").strip(),
            line=element.sourceline or 0,
        )

    def _post(self, element: etree._Element) -> DisqusPost:
        values = _children(element)
        dsq_id = element.get(DSQ_ID, "").strip() or (
            f"id:{values['id'].strip()}" if values.get("id", "").strip() else ""
        )
        if not dsq_id:
            raise self._error(element, 'a <post> without a dsq:id attribute or <id> (expected dsq:id="…")')
        thread_id = parent_id = ""
        author: dict[str, str] = {}
        for child in element:
            name = etree.QName(child).localname
            if name == "thread":
                thread_id = child.get(DSQ_ID, "").strip()
            elif name == "parent":
                parent_id = child.get(DSQ_ID, "").strip()
            elif name == "author":
                author = _children(child)
        if not thread_id:
            raise self._error(
                element, f'post {dsq_id} has no <thread dsq:id="…"/> (expected the thread it belongs to)'
            )
        created_at = self._date(element, values.get("createdAt", ""), required=True)
        assert created_at is not None
        return DisqusPost(
            dsq_id=dsq_id,
            thread_id=thread_id,
            parent_id=parent_id,
            message=values.get("message", "").strip(),
            created_at=created_at,
            is_deleted=self._flag(element, values, "isDeleted"),
            is_spam=self._flag(element, values, "isSpam"),
            author_name=author.get("name", "").strip(),
            author_email=author.get("email", "").strip(),
            author_username=author.get("username", "").strip(),
            is_anonymous=self._flag(element, author, "isAnonymous"),
            line=element.sourceline or 0,
        )

    def _flag(self, element: etree._Element, values: dict[str, str], name: str) -> bool:
        value = values.get(name, "").strip().lower()
        if value in {"", "false", "0"}:
            return False
        if value in {"true", "1"}:
            return True
        raise self._error(element, f"<{name}> is {value!r} (expected true or false)")

    def _date(self, element: etree._Element, value: str, *, required: bool) -> datetime | None:
        value = value.strip()
        if not value:
            if required:
                raise self._error(
                    element, "a <post> without <createdAt> (expected a date like 2013-10-10T19:20:29Z)"
                )
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self._error(
                element, f"<createdAt> is {value!r} (expected a date like 2013-10-10T19:20:29Z)"
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _children(element: etree._Element) -> dict[str, str]:
    """``{localname: text}`` of the direct children; the first of a name wins."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(etree.QName(child).localname, text_of(child))
    return values
