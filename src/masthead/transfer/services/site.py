"""The pages imports hang content on: the home page, sections, authors; and old-link redirects."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from masthead.publishing.models import AuthorIndexPage, AuthorPage, HomePage, NewsImage, SectionPage
from masthead.transfer.services.mapping import imported_id, imported_object_record


def home_page(*, title: str = "Masthead") -> HomePage:
    """The site's home page; made (and set as the default site's root) on an empty site."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    # Wagtail's first migration leaves a "Welcome" page where the home page belongs.
    for welcome in root.get_children().filter(slug="home"):
        if not isinstance(welcome.specific, HomePage):
            welcome.delete()
    home = HomePage(title=title[:255] or "Masthead", slug="home")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=title
        )
    else:
        Site.objects.filter(pk=site.pk).update(root_page=home)
    return home


def free_slug(parent: Page, slug: str, *, own: Page | None = None) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… if a sibling under ``parent`` already has it."""
    base = (slug or "untitled")[:240]
    candidate, n = base, 1
    siblings = parent.get_children()
    while siblings.filter(slug=candidate).exclude(pk=getattr(own, "pk", None)).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def wp_slug(value: str, fallback: str) -> str:
    """WordPress stores non-ASCII slugs percent-encoded; Wagtail takes them as Unicode."""
    return (
        slugify(unquote(value), allow_unicode=True)[:240]
        or slugify(fallback, allow_unicode=True)[:240]
        or "untitled"
    )


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def section_for(*, source: str, slug: str, name: str, home: HomePage) -> tuple[SectionPage, bool]:
    """The section a category maps to: one imported before, one with the same slug, or a new one."""
    key = slug or name
    known = imported_id(source=source, kind="section", source_id=key)
    if known is not None:
        section = SectionPage.objects.filter(pk=known).first()
        if section is not None:
            return section, False
    slug = wp_slug(slug, name)
    section = SectionPage.objects.child_of(home).filter(slug=slug).first()
    created = section is None
    if section is None:
        section = _publish_child(home, SectionPage(title=name[:255] or slug, slug=free_slug(home, slug)))
    imported_object_record(source=source, kind="section", source_id=key, target=section)
    return section, created


def author_for(*, source: str, login: str, name: str, home: HomePage) -> tuple[AuthorPage, bool]:
    """The author page for a WordPress login (made under /authors/ on first use)."""
    known = imported_id(source=source, kind="author", source_id=login)
    if known is not None:
        author = AuthorPage.objects.filter(pk=known).first()
        if author is not None:
            return author, False
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = _publish_child(home, AuthorIndexPage(title="Authors", slug=free_slug(home, "authors")))
    slug = wp_slug(login, name)
    author = _publish_child(index, AuthorPage(title=(name or login)[:255], slug=free_slug(index, slug)))
    imported_object_record(source=source, kind="author", source_id=login, target=author)
    return author, True  # type: ignore[return-value]


def redirect_add(*, old_url: str, page: Page) -> bool:
    """A permanent redirect from an old link's path (and query) to ``page``; False if already there."""
    parts = urlsplit(old_url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    old_path = Redirect.normalise_path(path)
    if old_path in {"", "/"} or old_path == Redirect.normalise_path(page.url or ""):
        return False
    _, created = Redirect.objects.get_or_create(
        old_path=old_path, site=None, defaults={"redirect_page": page, "is_permanent": True}
    )
    return created


def local_file(media_dir: Path | None, url: str) -> Path | None:
    """The copy of an uploaded file under ``media_dir`` (never outside it), or None."""
    if media_dir is None or not url:
        return None
    root = media_dir.resolve()
    path = unquote(urlsplit(url).path)
    relative = (
        path.split("/wp-content/uploads/", 1)[1] if "/wp-content/uploads/" in path else path.lstrip("/")
    )
    for candidate in (root / relative, root / PurePosixPath(relative).name):
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
    return None


def image_from_file(*, path: Path, title: str, credit: str = "") -> NewsImage | None:
    """A Wagtail image from a local file, or None when the file is not a readable image."""
    try:
        with PILImage.open(path) as probe:
            probe.verify()
    except Exception:  # noqa: BLE001 - Pillow raises many types for a bad file; all mean "not an image"
        return None
    with path.open("rb") as handle:
        return NewsImage.objects.create(
            title=(title or path.stem)[:255], file=ImageFile(handle, name=path.name), credit=credit[:255]
        )
