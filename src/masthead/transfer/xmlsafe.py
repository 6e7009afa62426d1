"""Streaming XML that refuses to be weaponised.

Exports from other platforms are untrusted input: a file may declare entities that expand
to gigabytes (billion laughs) or point at ``file:///etc/passwd``. lxml is told never to
resolve entities, load a DTD or touch the network, and any document whose DOCTYPE declares
entities or names an external DTD is refused outright with a clear error, before a single
element is handed to the caller.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from lxml import etree

Progress = Callable[[int, int], None]
_POSITION = re.compile(r",? line \d+, column \d+$")


class TransferError(Exception):
    """The file cannot be imported; the message names the line and what was expected."""

    def __init__(self, message: str, *, line: int | None = None, path: str | None = None) -> None:
        self.line = line
        self.path = path
        self.reason = message
        where = f"{path}: " if path else ""
        where += f"line {line}: " if line else ""
        super().__init__(f"{where}{message}")


class _CountingReader:
    """Feeds lxml from a file and reports how far through it the parser has read."""

    def __init__(self, handle: IO[bytes], total: int, progress: Progress | None) -> None:
        self._handle = handle
        self._total = total
        self._progress = progress
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self.done += len(chunk)
        if self._progress is not None:
            self._progress(self.done, self._total)
        return chunk


def _refuse_dangerous_doctype(element: etree._Element, path: str) -> None:
    docinfo = element.getroottree().docinfo
    internal = docinfo.internalDTD
    if internal is not None and any(True for _ in internal.iterentities()):
        raise TransferError(
            "the document declares XML entities in its DOCTYPE; entity expansion is refused "
            "(expected an export without a DOCTYPE)",
            line=1,
            path=path,
        )
    if docinfo.system_url or docinfo.public_id or docinfo.externalDTD is not None:
        raise TransferError(
            "the document refers to an external DTD; external entities are refused "
            "(expected an export without a DOCTYPE)",
            line=1,
            path=path,
        )


def iter_elements(
    source: str | Path, *, progress: Progress | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """Yield ``("start"|"end", element)`` from ``source`` with every unsafe feature switched off.

    Callers clear elements they are done with; syntax errors become a ``TransferError``
    naming the line.
    """
    path = str(source)
    total = os.path.getsize(path)
    if total == 0:
        raise TransferError("the file is empty (expected an XML document)", line=1, path=path)
    with open(path, "rb") as handle:
        reader = _CountingReader(handle, total, progress)
        if progress is not None:
            progress(0, total)  # a pass starts: the progress line knows the file is read again
        events = etree.iterparse(
            reader,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            remove_comments=True,
            remove_pis=True,
        )
        checked = False
        try:
            for event, element in events:
                if not checked:
                    _refuse_dangerous_doctype(element, path)
                    checked = True
                yield event, element
        except etree.XMLSyntaxError as error:
            message, line = _describe(error)
            raise TransferError(f"not well-formed XML: {message}", line=line, path=path) from None


def _describe(error: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """The parser's fatal complaint and its line (the exception text alone is sometimes generic)."""
    entries = [entry for entry in error.error_log if entry.level >= etree.ErrorLevels.ERROR]
    if entries:
        return _POSITION.sub("", entries[-1].message.strip()), entries[-1].line or None
    return _POSITION.sub("", str(error.msg or error).strip()), error.lineno or None


def text_of(element: etree._Element | None) -> str:
    """All the text inside ``element`` (CDATA included), or '' when it is absent."""
    if element is None:
        return ""
    return "".join(element.itertext())


def release(element: etree._Element) -> None:
    """Free an element already handled, and the siblings before it, to keep memory flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
