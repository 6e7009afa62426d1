"""Hostile input: the naughty-strings list through screening, XSS payloads through the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from masthead.moderation.services import report_create, screen_text
from masthead.moderation.text import normalise

FIXTURES = Path("/work/shared/fixtures")
NAUGHTY = FIXTURES / "naughty-strings" / "blns" / "blns.txt"
XSS = FIXTURES / "xss" / "payloadbox" / "xss-payload-list.txt"

pytestmark = pytest.mark.skipif(not NAUGHTY.exists(), reason="shared fixtures not present")


def _lines(path: Path, limit: int | None = None) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("#")][:limit]


def test_every_naughty_string_screens_without_error(commenter, db) -> None:
    verdicts = set()
    for line in _lines(NAUGHTY):
        normalise(line)
        verdicts.add(screen_text(text=line, author=commenter, warn=False).verdict)
    assert verdicts <= {"publish", "hold", "reject"}
    assert "hold" in verdicts  # a new commenter's comments are held


def test_xss_payloads_are_shown_escaped_in_the_queue(
    client, moderator, reader, post, commenter, trusted, no_model, settings
) -> None:
    settings.MODERATION_REPORTS_TO_HOLD = 100
    payloads = [line.strip() for line in _lines(XSS) if "<" in line][:15]
    comment = post(commenter, "A comment readers disagree with.")
    readers = [reader, moderator, commenter]
    for n, payload in enumerate(payloads):
        reporter = readers[n] if n < 2 else _reader(n)
        report_create(reporter=reporter, key="comment", object_id=comment.pk, reason="other", text=payload)
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:queue"), {"queue": "reported"}).content.decode()
    for payload in payloads:
        assert payload not in html
        assert escape(payload) in html


def _reader(n: int):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email=f"reader{n}@example.org", password=None)
