from django import template
from django.conf import settings
from django.template import Context
from django.utils.safestring import SafeString

from masthead.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: Context, name: str) -> SafeString:
    """Render what the apps registered for slot ``name`` (see ``masthead.core.slots``)."""
    return slots.render_or_hole(name, context)


@register.simple_tag
def site_language() -> str:
    """The language the newsroom writes in (``LANGUAGE_CODE``), for ``<html lang>``: the
    articles are the page's text, whatever language a browser asked Django's own texts in."""
    return str(settings.LANGUAGE_CODE)
