"""allauth's pages (sign in, sign up, email addresses) in the site's layout, with its messages."""

from __future__ import annotations

import re

import pytest


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match is not None
    return " ".join(match.group(1).split())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "title"), [("/accounts/login/", "Sign In"), ("/accounts/signup/", "Signup")]
)
def test_entrance_pages_wear_the_site_layout(client, settings, path: str, title: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get(path).content.decode()
    assert f'<html lang="{settings.LANGUAGE_CODE}">' in html
    assert _title(html) == f"{title} · {settings.SITE_NAME}"
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert '<main id="main" tabindex="-1" class="page-narrow account-page">' in html
    assert "Menu:" not in html  # allauth's bare layout is not used
    assert 'class="account-nav"' not in html  # nothing to manage before signing in


@pytest.mark.django_db
def test_a_signed_in_reader_gets_the_account_links_and_the_sign_in_message(client, reader) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"login": reader.email, "password": "correct horse 42"})
    assert response.status_code == 302
    html = client.get("/accounts/email/").content.decode()
    assert 'class="account-nav"' in html
    assert 'href="/accounts/password/change/"' in html and 'href="/accounts/logout/"' in html
    messages = re.search(r'<ul class="messages" role="status">(.*?)</ul>', html, re.S)
    assert messages is not None and "Successfully signed in" in messages.group(1)
    # Shown once: the next page has none.
    assert 'class="messages"' not in client.get("/accounts/email/").content.decode()
