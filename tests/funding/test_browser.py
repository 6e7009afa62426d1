"""In a real browser: the bar on every kind of page (with and without JavaScript), an offline gift
entered by an editor, a Stripe webhook that moves the bar and a partial refund that moves it back."""

import json
import re
import urllib.request

import pytest

from tests.funding.conftest import charge, checkout_session, event, sign
from tests.funding.factories import offline_gift, pending_donation
from tests.publishing.factories import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def bar_text(page):
    bar = page.locator(".funding-bar")
    return {
        "labels": bar.locator(".funding-bar__label").all_inner_texts(),
        "raised": bar.locator(".funding-bar__amount").inner_text(),
        "now": bar.locator('[role="progressbar"]').get_attribute("aria-valuenow"),
        "fill": bar.locator(".funding-bar__fill").get_attribute("width"),
    }


def post_webhook(live_server, payload):
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        f"{live_server.url}/webhooks/stripe/",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body.decode())},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


@pytest.fixture
def pages(campaign):
    section = make_section(title="Harbour")
    article = make_article(title="Dredging begins at the north quay", section=section)
    offline_gift(campaign, amount=111_400, name="Ines Vale", listed=True)
    return {"home": "/", "section": section.url, "article": article.url, "article_obj": article}


@pytest.mark.parametrize("fixture", ["page", "page_nojs"])
def test_the_bar_reads_like_the_seed_on_home_section_and_article_pages(
    live_server, pages, request, fixture, output_dir
):
    browser_page = request.getfixturevalue(fixture)
    errors = []
    browser_page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    for name in ("home", "section", "article"):
        browser_page.goto(live_server.url + pages[name])
        assert bar_text(browser_page) == {
            "labels": ["0 $", "2,350 $", "4,700 $"],
            "raised": "1,114 $",
            "now": "1114",
            "fill": "23.7%",
        }, name
        # The fill is drawn: its rendered width is about 23.7% of the rail's.
        fill = browser_page.locator(".funding-bar__fill").bounding_box()
        rail = browser_page.locator(".funding-bar__rail").bounding_box()
        assert fill["width"] == pytest.approx(rail["width"] * 0.237, rel=0.02)
    cta = browser_page.locator(".funding-cta__link")
    assert cta.get_attribute("href") == f"/support/?article={pages['article_obj'].pk}"
    assert "Do you like this content?" in browser_page.locator(".funding-cta").inner_text()
    browser_page.screenshot(path=str(output_dir / f"funding-bar-article-{fixture}.png"), full_page=False)
    assert not [e for e in errors if "Content Security Policy" in e]


def test_an_editor_records_an_offline_gift_in_the_admin_and_the_bar_moves(
    live_server, pages, page, editor, output_dir
):
    from django.contrib.auth.models import Permission

    # A flush by an earlier transactional test re-creates permissions under new ids, which the
    # restored group rows no longer point at; grant by name. (Group grants: see test_admin.)
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "funding"],
            codename__in=["access_admin", "record_offline_gift"],
        )
    )
    page.goto(live_server.url + "/")
    assert bar_text(page)["raised"] == "1,114 $"
    page.goto(live_server.url + "/admin/funding/offline-gift/")
    page.fill("#id_username", editor.email)
    page.fill("#id_password", "correct horse 42")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/funding/offline-gift/$"))
    page.fill("#id_amount", "250")
    page.select_option("#id_method", "bank_transfer")
    page.fill("#id_reference", "BT-2026-0042")
    page.fill("#id_name", "Harbour Street Book Club")
    page.check("#id_listed")
    page.fill("#id_message", "From all of us")
    page.click("#offline-gift-form button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/funding/offline-gift/$"))
    assert "Recorded 250 $ from Harbour Street Book Club" in page.content()
    page.screenshot(path=str(output_dir / "funding-offline-gift-admin.png"))
    # A new visitor (no browser cache) gets the fresh page from the server-side cache at once.
    visitor = page.context.browser.new_page()
    visitor.goto(live_server.url + "/")
    assert bar_text(visitor)["raised"] == "1,364 $"
    visitor.goto(live_server.url + "/support/")
    assert "Harbour Street Book Club" in visitor.locator(".funding-wall").inner_text()
    visitor.context.close()


def test_with_javascript_a_stale_cached_page_gets_the_fresh_bar(live_server, pages, page, campaign):
    stale = page.context.browser.new_page()
    stale.goto(live_server.url + pages["article"])
    html = stale.content()
    stale.context.close()
    offline_gift(campaign, amount=10_000)
    # Serve the article as a cache would: the HTML from before the gift.
    page.route(
        live_server.url + pages["article"],
        lambda route: route.fulfill(status=200, body=html, content_type="text/html"),
    )
    page.goto(live_server.url + pages["article"])
    page.wait_for_function("document.querySelector('.funding-bar__amount').textContent === '1,214 $'")
    assert bar_text(page) == {
        "labels": ["0 $", "2,350 $", "4,700 $"],
        "raised": "1,214 $",
        "now": "1214",
        "fill": "25.8%",
    }


def fresh_bar(browser, url):
    """The bar as a new visitor without JavaScript sees it (no browser cache)."""
    context = browser.new_context(java_script_enabled=False)
    try:
        visitor = context.new_page()
        visitor.goto(url)
        return bar_text(visitor)
    finally:
        context.close()


def test_a_stripe_webhook_moves_the_bar_and_a_partial_refund_moves_it_back(
    live_server, campaign, pages, browser, stripe_stub, output_dir
):
    url = live_server.url + pages["article"]
    assert fresh_bar(browser, url)["raised"] == "1,114 $"
    donation = pending_donation(campaign, amount=50_000)
    stripe_stub.fees["pi_browser"] = 1_480
    outcome = post_webhook(
        live_server,
        event("checkout.session.completed", checkout_session(donation, payment_intent="pi_browser")),
    )
    assert outcome["outcome"] == "contribution recorded"
    assert fresh_bar(browser, url) | {"labels": None} == {
        "labels": None,
        "raised": "1,614 $",
        "now": "1614",
        "fill": "34.3%",
    }
    outcome = post_webhook(
        live_server, event("charge.refunded", charge("pi_browser", amount=50_000, refunded=20_000))
    )
    assert outcome["outcome"] == "refund recorded"
    assert fresh_bar(browser, url) | {"labels": None} == {
        "labels": None,
        "raised": "1,414 $",
        "now": "1414",
        "fill": "30.1%",
    }
    # The fee Stripe kept was read back through the API (the stub) and booked apart from the total.
    from masthead.funding.models import LedgerEntry

    assert LedgerEntry.objects.get(kind="fee").amount == -1_480


def test_the_donation_form_works_without_javascript(live_server, pages, page_nojs, stripe_stub):
    # The browser is sent on to Stripe's hosted page; answer it locally instead of the internet.
    page_nojs.route(
        "https://checkout.stripe.com/**",
        lambda route: route.fulfill(
            status=200, body="<h1>Stripe Checkout (stub)</h1>", content_type="text/html"
        ),
    )
    page_nojs.goto(live_server.url + f"/support/?article={pages['article_obj'].pk}")
    page_nojs.check("input[name=amount_choice][value=other]")
    page_nojs.fill("#id_custom_amount", "-3")
    page_nojs.fill("#id_name", "Wren Alder")
    page_nojs.fill("#id_email", "wren@example.org")
    page_nojs.click("#donation-form button[type=submit]")
    assert "more than zero" in page_nojs.locator(".field-error").inner_text()
    page_nojs.fill("#id_custom_amount", "30")
    page_nojs.click("#donation-form button[type=submit]")
    page_nojs.wait_for_url(re.compile(r"^https://checkout\.stripe\.com/c/pay/cs_test_"))
    assert "Stripe Checkout (stub)" in page_nojs.content()
    from masthead.funding.models import Donation

    donation = Donation.objects.get(gateway="stripe")
    assert (donation.amount, donation.article_id) == (3_000, pages["article_obj"].pk)
