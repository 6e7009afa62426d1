"""Who may use what: every moderation view and API endpoint, for each persona."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from masthead.moderation.models import Appeal, BannedDomain, Phrase, Sanction

ROLES = ["anonymous", "reader", "commenter", "moderator", "editor", "admin_user"]
STAFF_MODERATING = {"moderator", "editor", "admin_user"}
# Word lists and sanctions are the moderators' tools; editors review, close discussions, read the log.
MODERATORS_ONLY = {"moderator", "admin_user"}


@pytest.fixture
def world(post, commenter, reader, moderator, trusted, no_model, article):  # type: ignore[no-untyped-def]
    from masthead.moderation.services import domain_ban, item_decide, sanction_apply

    comment = post(commenter, "A comment everyone can see.")
    rejected = post(commenter, "A comment that will be held and rejected.")
    item_decide(key="comment", object_id=rejected.pk, decision="hold", actor=moderator)
    item_decide(key="comment", object_id=rejected.pk, decision="reject", actor=moderator, reason="Off-topic")
    phrase = Phrase.objects.create(text="weasel", normalised="weasel", kind="suspect")
    sanction = sanction_apply(user=reader, kind="warn", actor=moderator, reason="Tone")
    banned = domain_ban(domain="spam.example", actor=moderator)
    appeal = Appeal.objects.create(
        content_type=ContentType.objects.get_for_model(rejected),
        object_id=rejected.pk,
        author=commenter,
        text="Please look again",
    )
    return {
        "comment": comment,
        "rejected": rejected,
        "phrase": phrase,
        "sanction": sanction,
        "banned": banned,
        "appeal": appeal,
        "article": article,
    }


def _client(client, request, role):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _admin_gets(world):  # type: ignore[no-untyped-def]
    comment = world["comment"]
    return {
        "queue": (reverse("moderation_admin:queue"), STAFF_MODERATING),
        "item": (reverse("moderation_admin:item", args=["comment", comment.pk]), STAFF_MODERATING),
        "author": (reverse("moderation_admin:author", args=[comment.author_id]), STAFF_MODERATING),
        "lists": (reverse("moderation_admin:lists"), MODERATORS_ONLY),
        "sanctions": (reverse("moderation_admin:sanctions"), MODERATORS_ONLY),
        "discussions": (reverse("moderation_admin:discussions"), STAFF_MODERATING),
        "audit": (reverse("moderation_admin:audit"), STAFF_MODERATING),
        "audit_csv": (reverse("moderation_admin:audit") + "?format=csv", STAFF_MODERATING),
    }


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages(client, request, world, role: str) -> None:
    client = _client(client, request, role)
    for name, (url, allowed) in _admin_gets(world).items():
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (name, role)
        elif role in {"anonymous", "reader", "commenter"}:
            # Wagtail sends people without admin access to its login page.
            assert response.status_code == 302, (name, role)
            assert "/admin/login/" in response["Location"], (name, role)
        else:
            # Wagtail turns PermissionDenied into a redirect to the dashboard with an error message.
            assert (response.status_code, response["Location"]) == (302, "/admin/"), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_admin_actions(client, request, world, role: str) -> None:
    client = _client(client, request, role)
    comment, phrase, sanction = world["comment"], world["phrase"], world["sanction"]
    posts = {
        "decide": (
            reverse("moderation_admin:decide"),
            {"key": "comment", "ids": [comment.pk], "decision": "feature"},
            STAFF_MODERATING,
        ),
        "appeal": (
            reverse("moderation_admin:appeal_decide", args=[world["appeal"].pk]),
            {"grant": "0"},
            STAFF_MODERATING,
        ),
        "list_add": (
            reverse("moderation_admin:lists"),
            {"kind": "banned", "lines": "ferret"},
            MODERATORS_ONLY,
        ),
        "list_remove": (reverse("moderation_admin:list_remove", args=[phrase.pk]), {}, MODERATORS_ONLY),
        "sanction": (
            reverse("moderation_admin:sanctions"),
            {"sanction-email": "reader@example.org", "sanction-kind": "warn", "sanction-reason": "Again"},
            MODERATORS_ONLY,
        ),
        "sanction_revoke": (
            reverse("moderation_admin:sanction_revoke", args=[sanction.pk]),
            {},
            MODERATORS_ONLY,
        ),
        "domain_ban": (
            reverse("moderation_admin:domain_ban"),
            {"domain-domain": "junk.example"},
            MODERATORS_ONLY,
        ),
        "domain_unban": (
            reverse("moderation_admin:domain_unban", args=[world["banned"].pk]),
            {},
            MODERATORS_ONLY,
        ),
        "discussion": (
            reverse("moderation_admin:discussion_state"),
            {"page": world["article"].pk, "state": "closed"},
            STAFF_MODERATING,
        ),
        "mode": (
            reverse("moderation_admin:mode_set"),
            {"page": world["article"].pk, "mode": "pre"},
            STAFF_MODERATING,
        ),
    }
    for name, (url, data, allowed) in posts.items():
        response = client.post(url, data)
        if role in allowed:
            assert response.status_code == 302, (name, role)
            assert response["Location"].startswith("/admin/moderation/"), (name, role)
        elif role in {"anonymous", "reader", "commenter"}:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (name, role)
        else:
            assert (response.status_code, response["Location"]) == (302, "/admin/"), (name, role)
    comment.refresh_from_db()
    assert comment.featured is (role in STAFF_MODERATING)
    assert Phrase.objects.filter(normalised="ferret").exists() is (role in MODERATORS_ONLY)
    assert Sanction.objects.filter(reason="Again").exists() is (role in MODERATORS_ONLY)
    assert BannedDomain.objects.filter(domain="junk.example").exists() is (role in MODERATORS_ONLY)


@pytest.mark.parametrize("role", ROLES)
def test_reader_pages(client, request, world, role: str) -> None:
    client = _client(client, request, role)
    comment, rejected = world["comment"], world["rejected"]
    report = client.get(reverse("moderation:report", args=["comment", comment.pk]))
    appeal = client.get(reverse("moderation:appeal", args=["comment", rejected.pk]))
    data = client.get(reverse("moderation:my_data"))
    download = client.get(reverse("moderation:my_data_download"))
    delete = client.get(reverse("moderation:delete_account"))
    if role == "anonymous":
        for response in (report, appeal, data, download, delete):
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert report.status_code == 200
    # Only the author may appeal; to everyone else the page does not exist.
    assert appeal.status_code == (200 if role == "commenter" else 404)
    assert (data.status_code, download.status_code, delete.status_code) == (200, 200, 200)
    assert download["Content-Type"].startswith("application/json")


def _api(client, method, path, payload=None):  # type: ignore[no-untyped-def]
    url = f"/api/moderation{path}"
    if method == "get":
        return client.get(url)
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
def test_api_endpoints(client, request, world, role: str) -> None:
    client = _client(client, request, role)
    comment, rejected = world["comment"], world["rejected"]
    staff_calls = {
        "queue": (_api(client, "get", "/queue?queue=approved"), STAFF_MODERATING),
        "screen": (_api(client, "post", "/screen", {"text": "Hello there"}), STAFF_MODERATING),
        "decisions": (
            _api(client, "post", "/decisions", {"ids": [comment.pk], "decision": "unfeature"}),
            STAFF_MODERATING,
        ),
        "audit": (_api(client, "get", "/audit"), STAFF_MODERATING),
    }
    for name, (response, allowed) in staff_calls.items():
        expected = 401 if role == "anonymous" else (200 if role in allowed else 403)
        assert response.status_code == expected, (name, role, response.content)
        assert response["Content-Type"] == "application/json; charset=utf-8"
    report = _api(client, "post", "/reports", {"object_id": comment.pk, "reason": "spam"})
    appeal = _api(client, "post", "/appeals", {"object_id": rejected.pk, "text": "Reconsider"})
    mine = _api(client, "get", "/me/data")
    if role == "anonymous":
        assert (report.status_code, appeal.status_code, mine.status_code) == (401, 401, 401)
        return
    # The author cannot report their own comment; anyone else can.
    assert report.status_code == (400 if role == "commenter" else 201)
    # Only the author can appeal, and the fixture already filed their one appeal.
    assert appeal.status_code == (400 if role == "commenter" else 403)
    assert mine.status_code == 200
    assert mine.json()["account"]["email"] == request.getfixturevalue(role).email
