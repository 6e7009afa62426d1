"""The bar on every page and the call to action under each article (template slots).

The bar is the same for every reader of a site, so its HTML is cached under the "funding"
page-cache version: a gift bumps the version after commit and the next page shows it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.template import Context
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from masthead.core import pagecache
from masthead.funding import selectors
from masthead.funding.models import FundingSettings

_BAR_TIMEOUT = 300


def _site(request: HttpRequest | None) -> Site | None:
    if request is not None:
        return Site.find_for_request(request)
    return Site.objects.filter(is_default_site=True).first()


def render_for_site(site: Site | None) -> str:
    """The bar's HTML for ``site`` (empty when no campaign runs), cached until the next gift."""
    if site is None:
        return ""
    today = timezone.localdate()
    key = f"funding:bar:{site.pk}:{today.isoformat()}:{pagecache.versions(['funding'])}"
    html = cache.get(key)
    if html is None:
        campaign = selectors.campaign_current(site=site, today=today)
        html = ""
        if campaign is not None:
            progress = selectors.campaign_progress(campaign=campaign, fmt=selectors.amount_format(site=site))
            html = render_to_string(
                "funding/bar.html", {"progress": progress, "support_url": reverse("funding:support")}
            )
        cache.set(key, html, timeout=_BAR_TIMEOUT)
    return html


def page_top(context: Context) -> str:
    return render_for_site(_site(context.get("request")))


def article_end(context: Context) -> str:
    """The call to action, linking to the donation page with the article recorded."""
    request = context.get("request")
    site = _site(request)
    if site is None or selectors.campaign_current(site=site) is None:
        return ""
    page = context.get("page")
    url = reverse("funding:support")
    if isinstance(page, Page) and page.pk:
        url += f"?article={page.pk}"
    return render_to_string(
        "funding/call_to_action.html",
        {"settings": FundingSettings.for_site(site), "support_url": url},
        request=request,
    )


def stylesheet(context: Context) -> str:
    return render_to_string("funding/head.html")
