"""Every sanction, and closing or hiding a discussion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.moderation import selectors
from masthead.moderation.models import AuditEvent, Sanction
from masthead.moderation.services import (
    discussion_close,
    domain_ban,
    domain_unban,
    sanction_apply,
    sanction_revoke,
    screen_text,
)


def test_warning_is_emailed_and_logged(
    commenter, moderator, smtp_server, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sanction_apply(
            user=commenter, kind="warn", actor=moderator, reason="Personal attacks on other readers"
        )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "commenter@example.org"
    assert "warned" in message["Subject"]
    assert "Personal attacks on other readers" in message.get_content()
    event = AuditEvent.objects.get(action="sanction_warn")
    assert (event.actor, event.subject, event.reason) == (
        moderator,
        commenter,
        "Personal attacks on other readers",
    )


def test_suspension_needs_days_and_ends_by_itself(commenter, moderator) -> None:
    with pytest.raises(ValueError, match="how many days"):
        sanction_apply(user=commenter, kind="suspend", actor=moderator, reason="Flame war")
    sanction = sanction_apply(user=commenter, kind="suspend", actor=moderator, reason="Flame war", days=7)
    assert timedelta(days=6, hours=23) < sanction.ends_at - timezone.now() <= timedelta(days=7)
    assert screen_text(text="Hello", author=commenter).codes == ["suspended"]
    Sanction.objects.filter(pk=sanction.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert "suspended" not in screen_text(text="Hello", author=commenter).codes


def test_ban_until_revoked(commenter, moderator) -> None:
    ban = sanction_apply(user=commenter, kind="ban", actor=moderator, reason="Threats")
    assert screen_text(text="Hello", author=commenter).reasons == ["Your account may not post comments."]
    sanction_revoke(sanction=ban, actor=moderator, reason="Apologised")
    assert screen_text(text="Hello", author=commenter).codes != ["banned"]
    assert AuditEvent.objects.filter(action="sanction_ban_revoked", reason="Apologised").count() == 1


def test_email_domain_ban_covers_subdomains_and_can_be_lifted(django_user_model, moderator) -> None:
    user = django_user_model.objects.create_user(email="someone@mail.throwaway.example", password="x")
    banned = domain_ban(domain="throwaway.example", actor=moderator, reason="Disposable")
    assert screen_text(text="Hello", author=user).codes == ["banned"]
    domain_unban(banned=banned, actor=moderator)
    assert screen_text(text="Hello", author=user).codes != ["banned"]
    with pytest.raises(ValueError, match="not a domain"):
        domain_ban(domain="not a domain", actor=moderator)


def test_staff_cannot_be_sanctioned_and_a_reason_is_required(editor, commenter, moderator) -> None:
    with pytest.raises(ValueError, match="Staff"):
        sanction_apply(user=editor, kind="ban", actor=moderator, reason="No")
    with pytest.raises(ValueError, match="reason"):
        sanction_apply(user=commenter, kind="ban", actor=moderator, reason=" ")


def test_shadow_ban_lists_the_user_and_publishes_to_them_only(
    commenter, reader, moderator, post, trusted, no_model, smtp_server, django_capture_on_commit_callbacks
) -> None:
    assert selectors.shadow_banned_user_ids() == frozenset()
    with django_capture_on_commit_callbacks(execute=True):
        ban = sanction_apply(user=commenter, kind="shadow_ban", actor=moderator, reason="Troll")
    assert selectors.shadow_banned_user_ids() == frozenset({commenter.pk})
    assert selectors.is_shadow_banned(commenter) and not selectors.is_shadow_banned(reader)
    # Nothing tells the troll: their comment is "published" (to them) and no email goes out.
    assert post(commenter, "Bait").status == "visible"
    assert smtp_server.wait_for(0, timeout=0.2) == []
    sanction_revoke(sanction=ban, actor=moderator)
    assert selectors.shadow_banned_user_ids() == frozenset()


def test_shadow_banned_ids_are_cached(commenter, moderator, django_assert_max_num_queries) -> None:
    sanction_apply(user=commenter, kind="shadow_ban", actor=moderator, reason="Troll")
    selectors.shadow_banned_user_ids()
    # At most the database cache's own lookup (none on Redis), never the sanctions table.
    with django_assert_max_num_queries(1) as queries:
        assert selectors.shadow_banned_user_ids() == frozenset({commenter.pk})
    assert not any("moderation_sanction" in query["sql"] for query in queries.captured_queries)


def test_always_premoderate_holds_a_trusted_commenter(commenter, moderator, post, trusted, no_model) -> None:
    sanction_apply(user=commenter, kind="premoderate", actor=moderator, reason="Baiting")
    comment = post(commenter, "Still here")
    assert (comment.status, comment.moderation_reasons) == (
        "pending",
        ["A moderator set this commenter to pre-moderation"],
    )


@pytest.mark.parametrize("state", ["closed", "hidden"])
def test_close_or_hide_a_discussion(
    state, article, thread, commenter, moderator, post, trusted, no_model
) -> None:
    from django.core.exceptions import ValidationError

    discussion_close(page=article, state=state, actor=moderator, reason="Legal advice")
    thread.refresh_from_db()
    assert thread.state == state
    assert selectors.discussion_state(article) == state
    with pytest.raises(ValidationError):
        post(commenter, "Too late")
    assert AuditEvent.objects.get(action=f"discussion_{state}").reason == "Legal advice"
    discussion_close(page=article, state="open", actor=moderator)
    thread.refresh_from_db()
    assert post(commenter, "Open again").status == "visible"


def test_sanction_form_in_the_admin(client, moderator, commenter) -> None:
    client.force_login(moderator)
    url = reverse("moderation_admin:sanctions")
    response = client.post(
        url,
        {
            "sanction-email": "COMMENTER@example.org",
            "sanction-kind": "suspend",
            "sanction-days": "3",
            "sanction-reason": "Cooling off",
        },
    )
    assert response.status_code == 302
    assert Sanction.objects.get().kind == "suspend"
    html = client.post(
        url, {"sanction-email": "nobody@example.org", "sanction-kind": "ban", "sanction-reason": "x"}
    ).content.decode()
    assert "No account has that email address." in html
    html = client.get(url).content.decode()
    assert "commenter@example.org" in html and "Cooling off" in html


def test_mode_changes_reach_screening_at_once_though_modes_are_cached(
    article, section, moderator, settings
) -> None:
    from wagtail.models import Site

    from masthead.moderation.services import moderation_mode_set

    settings.MODERATION_MODE = "trust"
    site = Site.objects.get(is_default_site=True)
    assert selectors.moderation_mode(article) == "trust"  # now cached
    moderation_mode_set(mode="pre", actor=moderator, site=site)
    assert selectors.moderation_mode(article) == "pre"
    moderation_mode_set(mode="post", actor=moderator, page=section)
    assert selectors.moderation_mode(article) == "post"  # the section's beats the site's
    moderation_mode_set(mode="pre", actor=moderator, page=article)
    assert selectors.moderation_mode(article) == "pre"
    moderation_mode_set(mode=None, actor=moderator, page=article)
    assert selectors.moderation_mode(article) == "post"
    moderation_mode_set(mode=None, actor=moderator, page=section)
    moderation_mode_set(mode=None, actor=moderator, site=site)
    assert selectors.moderation_mode(article) == "trust"


def test_a_sanction_however_made_reaches_screening_at_once(commenter, moderator, no_model) -> None:
    assert screen_text(text="Before the ban", author=commenter).verdict != "reject"  # cached: no sanctions
    sanction = Sanction.objects.create(
        user=commenter, kind="ban", reason="Made in the shell", created_by=moderator
    )
    assert screen_text(text="After the ban", author=commenter).codes == ["banned"]
    sanction.delete()
    assert screen_text(text="After the unban", author=commenter).verdict != "reject"
