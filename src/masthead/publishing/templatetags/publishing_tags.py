from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString
from wagtail.models import Site

from masthead.publishing.seo import json_ld_script
from masthead.publishing.sites import site_sections

register = template.Library()


@register.inclusion_tag("publishing/includes/section_nav.html", takes_context=True)
def section_nav(context: Context) -> dict[str, Any]:
    """The sections of the current site, for the header (kept per process, see ``site_sections``)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    sections = site_sections(site, request) if site is not None and request is not None else []
    current = context.get("page")
    current_path = getattr(current, "path", "")
    return {"sections": sections, "current_path": current_path, "request": request}


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    return json_ld_script(data)


@register.filter
def starts_with(value: str, prefix: str) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))
