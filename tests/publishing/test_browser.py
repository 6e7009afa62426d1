"""A reader in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" "))}));
}"""

# Live-server tests commit for real; serialized rollback restores what migrations made
# (Wagtail's root page and locale, the editorial groups) for the tests that follow.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_reader_opens_home_then_article_then_full_size_map(live_server, site_tree, browser, output_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        page.goto(live_server.url + "/")
        page.screenshot(path=str(output_dir / "publishing-home.png"), full_page=True)
        page.get_by_role("link", name=site_tree.flood.title).first.click()
        page.wait_for_url(f"**{site_tree.flood.url}")
        assert page.locator("h1.headline").inner_text() == site_tree.flood.title

        data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        assert data["@type"] == "NewsArticle" and data["headline"] == site_tree.flood.title
        assert [author["name"] for author in data["author"]] == ["Tomás Varga"]
        assert data["articleSection"] == "Environment"

        figure = page.locator("figure.figure--map")
        image = figure.locator("img")
        assert image.get_attribute("alt") == "Map of the delta with flooded villages shaded"
        assert image.evaluate("(img) => img.complete && img.naturalWidth > 0")
        page.screenshot(path=str(output_dir / "publishing-article-map.png"), full_page=True)

        with page.expect_navigation():
            figure.get_by_role("link", name="Click to see the full-size map").click()
        assert page.url.endswith(site_tree.map_image.file.url)
        size = page.evaluate("() => [document.images[0].naturalWidth, document.images[0].naturalHeight]")
        assert size == [site_tree.map_image.width, site_tree.map_image.height]
        assert csp_errors == []
    finally:
        context.close()


@pytest.mark.skipif(
    not AXE.exists(), reason=f"axe-core not installed at {AXE} (run `npm install` in the repository root)"
)
def test_axe_finds_no_serious_or_critical_violations(live_server, site_tree, browser, output_dir):
    # axe is injected as a script, which the site's CSP forbids: this context alone bypasses it.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        urls = {
            "home": "/",
            "section": site_tree.politics.url,
            "article": site_tree.budget.url,
            "map-article": site_tree.flood.url,
            "lite-home": "/lite/",
            "lite-article": site_tree.budget.lite_url(),
        }
        found = {}
        for name, url in urls.items():
            page.goto(live_server.url + url)
            page.add_script_tag(path=str(AXE))
            found[name] = page.evaluate(SERIOUS)
        page.screenshot(path=str(output_dir / "publishing-lite-article.png"), full_page=True)
        assert found == {name: [] for name in urls}
    finally:
        context.close()


def test_article_reads_fully_without_javascript(live_server, site_tree, page_nojs, output_dir):
    page_nojs.goto(live_server.url + site_tree.flood.url)
    body = page_nojs.locator(".article-body")
    assert "The river rose two metres in six hours." in body.inner_text()
    assert "Engineers expect the water to fall by the weekend." in body.inner_text()
    assert page_nojs.locator("figure.figure--map img").is_visible()
    link = page_nojs.get_by_role("link", name="Click to see the full-size map")
    assert link.get_attribute("href") == site_tree.map_image.file.url
    page_nojs.screenshot(path=str(output_dir / "publishing-article-nojs.png"), full_page=True)


def test_skip_link_is_first_focusable_and_visible_on_focus(live_server, site_tree, page):
    page.goto(live_server.url + site_tree.budget.url)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getBoundingClientRect().left]"
    )
    assert focused[0] == "skip-link" and focused[1] >= 0
