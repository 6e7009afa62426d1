"""The publishing part of ``masthead demo``: sections, authors, stories, a map, staff logins.

Idempotent: everything is looked up by slug, title or email before it is made, so running
the demo again on the same data directory adds nothing twice.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.publishing import demo_content, demo_images
from masthead.publishing.models import (
    ArticleByline,
    ArticleCorrection,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    NewsImage,
    SectionPage,
)

Log = Callable[[str], None]
MAP_TITLE = "Map: Sarn delta floods"
STAFF = [
    ("admin", "admin@demo.masthead.test", "Demo Admin", None),
    ("editor", "editor@demo.masthead.test", "Demo Editor", "Editors"),
    ("reporter", "reporter@demo.masthead.test", "Demo Reporter", "Reporters"),
]
ILLUSTRATED = {
    "assembly-passes-emergency-flood-fund": (1, "Illustration: hills above the river at dawn"),
    "ceasefire-talks-resume-kessel": (3, "Illustration: grey hills of the Kessel valley under a pale sky"),
    "orrin-port-strike-ends": (4, "Illustration: warm evening light over the low coast"),
    "hollen-choir-festival-returns": (2, "Illustration: pink evening sky over rolling hills"),
    "delta-farmers-salt-water": (0, "Illustration: flat farmland under an orange sky"),
    "film-about-border-village-wins-prize": (5, "Illustration: hills and a valley in soft light"),
    "water-board-warned-about-embankment": (6, "Illustration: a wide river valley under a clear sky"),
}


def load(log: Log) -> None:
    with transaction.atomic():
        home = _home(log)
        sections = {slug: _section(home, slug, title, intro) for slug, title, intro in demo_content.SECTIONS}
        authors = {entry[0]: _author(home, *entry) for entry in demo_content.AUTHORS}
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        created = 0
        for story in demo_content.ARTICLES:
            created += _article(story, sections, authors, now)
        lead = ArticlePage.objects.filter(slug="river-delta-flooding-map").first()
        if lead and home.featured_article_id != lead.pk:
            home.featured_article = lead
            home.save_revision().publish()
    log(f"publishing: {created} new articles, {ArticlePage.objects.live().count()} live in all")
    _staff_accounts(log)


def _home(log: Log) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for welcome in root.get_children().filter(slug="home"):
            if not isinstance(welcome.specific, HomePage):
                welcome.delete()  # Wagtail's placeholder "Welcome" page
        home = HomePage(title="Home", slug="home", tagline=demo_content.TAGLINE)
        root.add_child(instance=home)
        home.save_revision().publish()
        log("publishing: home page created")
    # Full URLs (canonical, feeds, sitemaps) use the Site's address: the demo's is
    # 127.0.0.1:8000; a real newsroom sets its own in Settings → Sites.
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    if site.hostname in ("", "localhost"):
        site.hostname, site.port = "127.0.0.1", 8000
    site.root_page = home
    site.site_name = settings.SITE_NAME
    site.save()
    return home


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _section(home: HomePage, slug: str, title: str, intro: str) -> SectionPage:
    existing = SectionPage.objects.child_of(home).filter(slug=slug).first()
    return existing or _publish_child(home, SectionPage(title=title, slug=slug, intro=intro))  # type: ignore[return-value]


def _author(home: HomePage, slug: str, name: str, role: str, bio: str) -> AuthorPage:
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = _publish_child(home, AuthorIndexPage(title="Our reporters", slug="authors"))
    existing = AuthorPage.objects.filter(slug=slug).first()
    return existing or _publish_child(
        index, AuthorPage(title=name, slug=slug, role=role, bio=f"<p>{bio}</p>")
    )  # type: ignore[return-value]


def _image(title: str, data: Callable[[], bytes], filename: str, credit: str, licence: str) -> NewsImage:
    image = NewsImage.objects.filter(title=title).first()
    if image is None:
        file = ImageFile(io.BytesIO(data()), name=filename)
        image = NewsImage.objects.create(title=title, file=file, credit=credit, licence=licence)
    return image


def _body(story: dict[str, Any]) -> list[tuple[str, Any]]:
    blocks: list[tuple[str, Any]] = []
    for index, part in enumerate(story["body"]):
        if isinstance(part, str):
            blocks.append(("paragraph", f"<p>{part}</p>"))
        elif part[0] == "h":
            blocks.append(("heading", part[1]))
        else:
            blocks.append(("quote", {"quote": part[1], "attribution": part[2]}))
        if story.get("map") and index == 2:
            map_image = _image(
                MAP_TITLE,
                demo_images.draw_delta_map,
                "sarn-delta-floods-map.png",
                "Map: Masthead Sarn desk; source: regional emergency service",
                "CC BY 4.0",
            )
            blocks.append(
                (
                    "map",
                    {
                        "image": map_image,
                        "caption": "Flooded land in the lower Sarn delta on Tuesday morning, and the evacuated towns.",
                        "alt_text": (
                            "Map of the Sarn delta: the river runs from Hollen past Tamsk to the Gulf of Orrin; "
                            "a red shaded area covers the land around Varn, Lisk and Orrin, marked as evacuated."
                        ),
                    },
                )
            )
    return blocks


def _article(
    story: dict[str, Any], sections: dict[str, SectionPage], authors: dict[str, AuthorPage], now: datetime
) -> int:
    if ArticlePage.objects.filter(slug=story["slug"]).exists():
        return 0
    published_at = now - timedelta(days=story["days_ago"]) + timedelta(hours=story["hour"] - now.hour)
    published_at = min(published_at, now - timedelta(minutes=30))
    article = ArticlePage(
        title=story["title"],
        slug=story["slug"],
        standfirst=story["standfirst"],
        dateline=story["dateline"],
        body=_body(story),
    )
    if story["slug"] in ILLUSTRATED:
        seed, alt = ILLUSTRATED[story["slug"]]
        article.lead_image = _image(
            f"Illustration {seed}",
            lambda: demo_images.draw_illustration(seed=seed),
            f"illustration-{seed}.jpg",
            "Illustration: Masthead demo",
            "CC0 1.0",
        )
        article.lead_image_alt = alt
    for position, slug in enumerate(story["authors"]):
        article.bylines.add(ArticleByline(author=authors[slug], sort_order=position))
    for text in story["corrections"]:
        article.corrections.add(ArticleCorrection(text=text, published_at=published_at + timedelta(hours=20)))
    if story["corrections"]:
        article.updated_at = published_at + timedelta(hours=20)
    article.tags.add(*story["tags"])
    sections[story["section"]].add_child(instance=article)
    article.save_revision().publish()
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=published_at, last_published_at=article.updated_at or published_at
    )
    return 1


def _staff_accounts(log: Log) -> None:
    """Demo staff with passwords generated once and kept in the data directory."""
    path = Path(settings.DATA_DIR) / "demo-logins.txt"
    saved = _read_logins(path)
    User = get_user_model()
    lines = ["# Masthead demo staff logins (generated once; delete this file and the users to regenerate)"]
    for role, email, name, group_name in STAFF:
        password = saved.get(email) or secrets.token_urlsafe(12)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=name,
                is_staff=True,
                is_superuser=group_name is None,
            )
            _verify_email(user)
        elif email not in saved:
            # The file was lost: a fresh password, so the file stays the truth.
            user.set_password(password)
            user.save(update_fields=["password"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        lines.append(f"{role}\t{email}\t{password}")
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    log(f"publishing: staff logins (also in {path}):")
    for line in lines[1:]:
        role, email, password = line.split("\t")
        log(f"  {role:<9} {email}  password: {password}")


def _read_logins(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    logins = {}
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            logins[parts[1]] = parts[2]
    return logins


def _verify_email(user: Any) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
