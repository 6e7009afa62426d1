"""The demo loader (seed-shaped conversation, generated thread) and the generate_thread command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion import demo
from masthead.discussion.models import Comment, Thread


@pytest.fixture
def demo_articles(db):
    from masthead.publishing.selectors import DEMO_MAP_ARTICLE_SLUG
    from tests.publishing.factories import make_article

    return make_article(title="Flood map", slug=DEMO_MAP_ARTICLE_SLUG), make_article(title="Another story")


def test_demo_conversation_is_shaped_like_the_seed_and_idempotent(demo_articles, settings):
    settings.DISCUSSION_DEMO_THREAD_SIZE = 300
    map_article, other = demo_articles
    lines: list[str] = []
    demo.load(lines.append)
    demo.load(lines.append)
    comments = list(Comment.objects.filter(thread__page=map_article).select_related("author"))
    assert len(comments) == 12
    names = {c.author.public_name for c in comments}
    assert len(names) == 8
    assert any(not name.isascii() for name in names)
    assert max(c.depth for c in comments) == 3
    assert all(c.status == "visible" for c in comments)
    assert sum("\n\n" in c.body_source for c in comments) >= 2
    assert Thread.objects.get(page=map_article).comment_count == 12
    assert Thread.objects.get(page=other).comment_count == 300
    assert any("already" in line for line in lines)


def test_generate_thread_command(demo_articles):
    _, other = demo_articles
    out = StringIO()
    call_command("generate_thread", "--comments", "250", "--page", other.slug, stdout=out)
    assert "250 comments" in out.getvalue()
    thread = Thread.objects.get(page=other)
    assert thread.comment_count == Comment.objects.filter(thread=thread).count() == 250
    with pytest.raises(CommandError):
        call_command("generate_thread", "--comments", "5", "--page", "no-such-page")
