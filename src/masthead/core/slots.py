"""Named places in shared templates that other apps fill.

Publishing knows nothing of comments or donations: its templates say ``{% slot "page_top" %}``
and the funding app, in its ``AppConfig.ready()``, registers what goes there. This is the
Wagtail-hooks pattern, kept to what templates need.

Slots in use:
- ``page_top``: above the site header on every public page (the funding bar);
- ``article_end``: under an article's body (the call to action);
- ``article_discussion``: below the article (the discussion);
- ``article_meta``: in an article teaser on lists (the comment count);
- ``head``: extra tags inside ``<head>`` (stylesheets, module scripts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from masthead.core import pagecache

Renderer = Callable[[Context], str]

_frames = pagecache.Encoded(64)


@dataclass(frozen=True)
class _Entry:
    order: int
    renderer: Renderer


_registry: dict[str, list[_Entry]] = {}


def register(name: str, renderer: Renderer, *, order: int = 100) -> None:
    """Add ``renderer`` to slot ``name``; it receives the template context, returns HTML."""
    entries = _registry.setdefault(name, [])
    if any(entry.renderer is renderer for entry in entries):
        return
    entries.append(_Entry(order, renderer))
    entries.sort(key=lambda entry: entry.order)


def render(name: str, context: Context) -> SafeString:
    # Renderers return HTML they built from their own templates, so it is already escaped.
    return mark_safe(render_html(name, context))  # noqa: S308


def render_html(name: str, context: Context) -> str:
    """The slot's HTML as its renderers returned it: with one renderer, its very string
    (which ``pagecache.utf8`` may know already), not a copy."""
    entries = _registry.get(name, [])
    if len(entries) == 1:
        # Its very string: joining would copy it (a SafeString is no plain str to pass through).
        return entries[0].renderer(context)
    return "".join([entry.renderer(context) for entry in entries])


# A page whose frame is cached renders some slots as holes: a marker in the cached HTML that
# every request fills afresh (the discussion under an article changes with each comment and
# with the reader). See ``masthead.publishing.caching.serve_frame``.
HOLES_KEY = "_slot_holes"


def hole_marker(name: str) -> str:
    return f"<!--masthead-slot:{name}-->"


def render_or_hole(name: str, context: Context) -> SafeString:
    """``render``, or the slot's marker when the template is rendered as a cacheable frame."""
    if name in (context.get(HOLES_KEY) or ()):
        return mark_safe(hole_marker(name))  # noqa: S308 - a constant comment
    return render(name, context)


def frame_parts(html: str, names: tuple[str, ...]) -> tuple[bytes | str, ...]:
    """``html`` (a frame rendered with ``HOLES_KEY``) as UTF-8 bytes between its holes, with
    each hole's slot name in its place, in page order (each hole's first marker). Kept per
    frame string while the process uses it."""

    def split(text: str) -> tuple[bytes | str, ...]:
        markers = {name: hole_marker(name) for name in names}
        found = sorted(
            (position, name) for name, marker in markers.items() if (position := text.find(marker)) >= 0
        )
        parts: list[bytes | str] = []
        start = 0
        for position, name in found:
            parts += [text[start:position].encode(), name]
            start = position + len(markers[name])
        parts.append(text[start:].encode())
        return tuple(parts)

    parts: tuple[bytes | str, ...] = _frames.get(html, split)
    return parts


def fill_holes(html: str, context: Context, names: tuple[str, ...]) -> bytes:
    """``html`` (a frame rendered with ``HOLES_KEY``) with each hole's first marker replaced
    by its slot's HTML, as the UTF-8 bytes a response sends. The frame is split and encoded
    once, and a slot's HTML that the process has sent before is not encoded again: per
    reader, that was a fifth of serving an article from its frame."""
    return b"".join(
        part if isinstance(part, bytes) else pagecache.utf8(render_html(part, context))
        for part in frame_parts(html, names)
    )
