"""Names and messages on the supporters wall come from strangers: the shared hostile corpora."""

from pathlib import Path

import pytest

from masthead.funding import services
from tests.funding.factories import offline_gift

pytestmark = pytest.mark.django_db

FIXTURES = Path("/work/shared/fixtures")


def corpus():
    lines = []
    for path in [
        FIXTURES / "xss/payloadbox/xss-payload-list.txt",
        FIXTURES / "xss/PayloadsAllTheThings/XSSDetection.txt",
        FIXTURES / "naughty-strings/blns/blns.txt",
    ]:
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            lines += [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return lines


def test_the_corpora_are_there():
    assert len(corpus()) > 500


def test_clean_text_leaves_no_markup_from_the_corpora():
    for line in corpus():
        cleaned = services.clean_text(line, max_length=280)
        assert "<script" not in cleaned.lower(), line
        assert "<img" not in cleaned.lower(), line
        assert "\x00" not in cleaned
        assert len(cleaned) <= 280


def test_the_wall_shows_hostile_messages_as_inert_text(client, campaign):
    lines = corpus()[:: max(1, len(corpus()) // 40)][:40]
    for number, line in enumerate(lines):
        offline_gift(campaign, amount=100 + number, name=line[:80] or "x", listed=True, message=line)
    html = client.get("/support/").content.decode()
    wall = html[html.index('class="funding-wall"') :]
    assert "<script" not in wall.lower()
    assert "onerror=" not in wall.lower().replace("onerror=&", "")
    assert "<img" not in wall.lower() and "<svg" not in wall.lower() and "<iframe" not in wall.lower()
