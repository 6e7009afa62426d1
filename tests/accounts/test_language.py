"""The site speaks LANGUAGE_CODE whatever the browser asks (LANGUAGE_FROM_BROWSER is off)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_a_german_browser_gets_the_sites_language_and_no_vary_on_it(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    # allauth's own labels, in English like the page around them.
    assert "Password" in html and "Passwort" not in html
    assert "accept-language" not in response.get("Vary", "").lower()
    assert response.get("Content-Language") is None
