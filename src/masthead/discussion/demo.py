"""Demo content: a heated conversation shaped like the seed's, and a generated huge thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from masthead.discussion import services
from masthead.discussion.generation import thread_generate
from masthead.discussion.models import Comment, CommentStatus

# (key, parent key, name, text): 12 comments by 8 people, 4 levels deep, written for Masthead.
CONVERSATION = [
    (
        "a",
        None,
        "Ελένη Παππά",
        "The map finally shows what we on the east bank have said for years: the water comes from the old canal, not the river.\n\nThank you for publishing it in full.",
    ),
    (
        "b",
        None,
        "Jonas Weber",
        "The province must stop pretending the pumps are enough. They were built for a town half this size.",
    ),
    ("c", "b", "Marguerite Okafor", "Careful. The pumps ran fine until the power cut."),
    (
        "d",
        None,
        "Sam Ridley",
        "Good reporting, and about time. Now name the developers who built on the flood plain after 2015 and let readers judge for themselves who profited.",
    ),
    (
        "e",
        "d",
        "Tomasz Wilk",
        'Nobody "built on the flood plain". The zoning map was redrawn, legally, twice. Read the council minutes before you accuse people.',
    ),
    (
        "f",
        None,
        "Tomasz Wilk",
        "The evacuation worked better than anyone expected. Forty households were out before midnight, and that deserves a sentence in the article too.",
    ),
    (
        "g",
        "f",
        "Priya Natarajan",
        "Worked? My neighbour waited six hours for a boat. Maybe the *north* side was out before midnight.",
    ),
    (
        "h",
        "g",
        "Jonas Weber",
        'Six hours is a disgrace.\n\nBut the boats came from the volunteer club, not the province, which rather proves my point about who is actually prepared.\n\nThe club asked for a second boathouse in 2019. The request is still "under review".',
    ),
    ("i", "h", "Tomasz Wilk", "The club is funded by the province. You cannot have it both ways."),
    (
        "j",
        "g",
        "Tomasz Wilk",
        "I am sorry about your neighbour. The call centre logs will show where the delay was; the paper should ask for them.",
    ),
    ("k", None, "Daniel Cruz", "Does anyone know if the ferry runs on Saturday?"),
    (
        "l",
        None,
        "Anouk de Vries",
        "How do you pump water uphill into a river that is already above the street?",
    ),
]


def _find_map_article() -> Any:
    from masthead.publishing import selectors as publishing_selectors

    # Publishing provides the finder; without it, the page with "map" in its slug.
    finder = getattr(publishing_selectors, "demo_map_article", None)
    page = finder() if finder is not None else None
    return page or Page.objects.live().filter(slug__icontains="map").order_by("pk").first()


def _person(name: str) -> Any:
    names = sorted({entry[2] for entry in CONVERSATION})
    email = f"commenter{names.index(name) + 1}@demo.masthead.invalid"
    user, created = get_user_model().objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _conversation(page: Any, log: Callable[[str], None]) -> None:
    thread = services.thread_for_page(page=page)
    if Comment.objects.filter(thread=thread).exists():
        log("  the map article already has its discussion")
        return
    made: dict[str, Comment] = {}
    start = timezone.now() - timedelta(hours=30)
    with transaction.atomic():
        for index, (key, parent_key, name, text) in enumerate(CONVERSATION):
            comment = services.comment_create(
                thread=thread,
                author=_person(name),
                body=text,
                parent=made.get(parent_key) if parent_key else None,
                now=start + timedelta(minutes=47 * index),
            )
            # Demo commenters are new accounts; the demo shows their words published.
            if comment.status == CommentStatus.PENDING:
                comment = services.comment_set_status(
                    comment=comment, status=CommentStatus.VISIBLE, actor=None
                )
            made[key] = comment
    log(f"  {len(CONVERSATION)} comments on “{page.title}”")


def _big_thread(exclude: int | None, log: Callable[[str], None]) -> None:
    size = settings.DISCUSSION_DEMO_THREAD_SIZE
    if not size:
        return
    candidates = Page.objects.live().filter(depth__gte=3).exclude(pk=exclude).order_by("-depth", "pk")
    page = next((p for p in candidates if p.specific_class.__name__ == "ArticlePage"), None)
    if page is None:
        log("  no second article for the large thread")
        return
    thread = services.thread_for_page(page=page)
    if thread.comment_count >= size:
        log(f"  “{page.title}” already has its {thread.comment_count:,} comments")
        return
    started = time.monotonic()
    thread_generate(thread=thread, count=size - thread.comment_count)
    log(f"  {size:,} generated comments on “{page.title}” in {time.monotonic() - started:.1f} s")


def load(log: Callable[[str], None]) -> None:
    page = _find_map_article()
    if page is None:
        log("  no map article: the discussion demo needs publishing's demo first")
        return
    _conversation(page, log)
    _big_thread(page.pk, log)
