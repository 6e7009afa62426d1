"""Moderation fixtures: articles from publishing's factories, comments through discussion's services."""

from __future__ import annotations

import pytest

from masthead.moderation import registry


@pytest.fixture(autouse=True)
def _comments_registered() -> None:
    # Discussion registers its adapter in AppConfig.ready(); importing it is idempotent, and
    # makes these tests independent of the order apps finish starting.
    import masthead.discussion.moderation  # noqa: F401

    assert registry.get("comment").key == "comment"


@pytest.fixture
def section(db):  # type: ignore[no-untyped-def]
    from tests.publishing.factories import make_section

    return make_section(title="Politics")


@pytest.fixture
def article(section):  # type: ignore[no-untyped-def]
    from tests.publishing.factories import make_article

    return make_article(title="Harbour tax vote splits the council", section=section)


@pytest.fixture
def thread(article):  # type: ignore[no-untyped-def]
    from masthead.discussion.services import thread_for_page

    return thread_for_page(page=article)


@pytest.fixture
def post(thread):  # type: ignore[no-untyped-def]
    """``post(author, body)``: a comment posted through discussion's real service (screened)."""
    from masthead.discussion.services import comment_create

    def _post(author, body: str = "The harbour tax is overdue.", parent=None):  # type: ignore[no-untyped-def]
        return comment_create(thread=thread, author=author, body=body, parent=parent)

    return _post


@pytest.fixture
def trusted(settings):  # type: ignore[no-untyped-def]
    """Trust mode off for new commenters, so a first comment is published."""
    settings.MODERATION_NEW_COMMENTER_HOLD = 0
    return settings


@pytest.fixture
def no_model(settings):  # type: ignore[no-untyped-def]
    settings.MODERATION_OFFENSIVE_MODEL = False
    return settings
