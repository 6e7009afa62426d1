from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString
from wagtail.models import Site

from masthead.publishing.models import SectionPage
from masthead.publishing.seo import json_ld_script

register = template.Library()


@register.inclusion_tag("publishing/includes/section_nav.html", takes_context=True)
def section_nav(context: Context) -> dict[str, Any]:
    """The sections of the current site, for the header (one query)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    sections = SectionPage.objects.live().public().order_by("path")
    sections = sections.child_of(site.root_page) if site else sections.none()
    current = context.get("page")
    current_path = getattr(current, "path", "")
    return {"sections": list(sections), "current_path": current_path, "request": request}


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    return json_ld_script(data)


@register.filter
def starts_with(value: str, prefix: str) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))
