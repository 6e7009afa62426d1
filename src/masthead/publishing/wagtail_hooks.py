"""Editors' side: a dashboard warning when scheduled stories have missed their go-live time."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

from masthead.publishing import selectors


class OverdueScheduledPanel(Component):
    name = "overdue_scheduled"
    order = 10
    template_name = "publishing/admin/overdue_panel.html"

    def __init__(self) -> None:
        self.pages = selectors.overdue_pages()

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        return {"pages": self.pages}

    def render_html(self, parent_context: Any = None) -> SafeString | str:
        # Nothing overdue: no panel, so the warning means something when it appears.
        return super().render_html(parent_context) if self.pages else ""


@hooks.register("construct_homepage_panels")
def add_overdue_scheduled_panel(request: HttpRequest, panels: list[Any]) -> None:
    if PagePermissionPolicy().user_has_any_permission(request.user, ["publish"]):
        panels.insert(0, OverdueScheduledPanel())
