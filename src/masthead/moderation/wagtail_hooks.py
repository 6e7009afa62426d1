"""The moderators' workspace as a section of Wagtail's admin."""

from __future__ import annotations

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from masthead.moderation import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("moderation/", include(admin_urls, namespace="moderation_admin"))]


class _PermittedItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.has_perm(self.permission)


class _ModerationMenu(SubmenuMenuItem):
    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.has_perm("moderation.moderate")


@hooks.register("register_admin_menu_item")
def register_menu() -> MenuItem:
    menu = Menu(
        items=[
            _PermittedItem(
                "Queues", reverse("moderation_admin:queue"), permission="moderation.moderate", order=10
            ),
            _PermittedItem(
                "Word lists",
                reverse("moderation_admin:lists"),
                permission="moderation.manage_word_lists",
                order=20,
            ),
            _PermittedItem(
                "Sanctions",
                reverse("moderation_admin:sanctions"),
                permission="moderation.apply_sanctions",
                order=30,
            ),
            _PermittedItem(
                "Discussions",
                reverse("moderation_admin:discussions"),
                permission="moderation.close_discussions",
                order=40,
            ),
            _PermittedItem(
                "Audit log",
                reverse("moderation_admin:audit"),
                permission="moderation.view_audit_log",
                order=50,
            ),
        ]
    )
    return _ModerationMenu("Moderation", menu, icon_name="warning", name="moderation", order=250)
