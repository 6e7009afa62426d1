"""Editors manage the embedding sites in Wagtail's admin (Snippets → Embedding sites)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.discussion.embed.models import EmbedOrigin


class EmbedOriginViewSet(SnippetViewSet):
    model = EmbedOrigin
    icon = "site"
    menu_label = "Embedding sites"
    list_display = ["origin", "label", "enabled", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["origin", "label"]


register_snippet(EmbedOriginViewSet)
