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

Renderer = Callable[[Context], str]


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
    return mark_safe("".join(entry.renderer(context) for entry in _registry.get(name, [])))  # noqa: S308


# A page whose frame is cached renders some slots as holes: a marker in the cached HTML that
# every request fills afresh (the discussion under an article changes with each comment and
# with the reader). See ``masthead.publishing.caching.serve_with_holes``.
HOLES_KEY = "_slot_holes"


def hole_marker(name: str) -> str:
    return f"<!--masthead-slot:{name}-->"


def render_or_hole(name: str, context: Context) -> SafeString:
    """``render``, or the slot's marker when the template is rendered as a cacheable frame."""
    if name in (context.get(HOLES_KEY) or ()):
        return mark_safe(hole_marker(name))  # noqa: S308 - a constant comment
    return render(name, context)


def fill_holes(html: str, context: Context, names: tuple[str, ...]) -> str:
    """Replace each hole in ``html`` (a frame rendered with ``HOLES_KEY``) with its slot's HTML."""
    for name in names:
        marker = hole_marker(name)
        if marker in html:
            html = html.replace(marker, render(name, context), 1)
    return html
