from django import template
from django.template import Context
from django.utils.safestring import SafeString

from masthead.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: Context, name: str) -> SafeString:
    """Render what the apps registered for slot ``name`` (see ``masthead.core.slots``)."""
    return slots.render_or_hole(name, context)
