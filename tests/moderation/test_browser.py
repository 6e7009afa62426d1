"""The moderation queue in a real browser: approve with a key, reject with a reason, hold again."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.browser
def test_queue_approve_reject_with_reason_and_hold(
    live_server, page, client, moderator, commenter, post, no_model, output_dir
) -> None:
    from playwright.sync_api import expect

    from masthead.discussion.models import Comment

    first = post(commenter, "The harbour tax pays for the new pier.")
    second = post(commenter, "Whoever wrote this is a fool.")
    client.force_login(moderator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/admin/moderation/?queue=held")
    items = page.locator("[data-moderation-item]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("A new commenter's first comments are reviewed")
    page.screenshot(path=str(output_dir / "moderation-queue-held.png"), full_page=True)

    # Keyboard: j focuses the first (oldest) item, a approves it.
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator("[data-moderation-item]")).to_have_count(1)
    expect(page.get_by_text("Done: approve.")).to_be_visible()

    # r focuses the reason field of the remaining item; Enter sends the rejection.
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.keyboard.type("Personal attack on the reporter")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Done: reject.")).to_be_visible()
    expect(page.locator("[data-moderation-item]")).to_have_count(0)
    page.screenshot(path=str(output_dir / "moderation-queue-after-decisions.png"), full_page=True)

    # Hold the approved comment again from the approved queue, with a click.
    page.goto(f"{live_server.url}/admin/moderation/?queue=approved")
    approved = page.locator(f'[data-moderation-item="{first.pk}"]')
    approved.get_by_role("button", name="Hold").click()
    expect(page.get_by_text("Done: hold.")).to_be_visible()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "pending"
    assert (second.status, second.status_reason) == ("rejected", "Personal attack on the reporter")
    assert Comment.objects.filter(status="visible").count() == 0
