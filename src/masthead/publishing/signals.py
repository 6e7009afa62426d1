"""Cache invalidation: whatever changes a page's presence or content purges what showed it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from masthead.publishing.caching import purge_page
from masthead.publishing.sites import sites_changed


def _on_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    purge_page(instance.pk)


def connect() -> None:
    page_published.connect(_on_page_changed, dispatch_uid="publishing.purge.published")
    page_unpublished.connect(_on_page_changed, dispatch_uid="publishing.purge.unpublished")
    post_page_move.connect(_on_page_changed, dispatch_uid="publishing.purge.moved")
    post_delete.connect(_on_page_deleted, dispatch_uid="publishing.purge.deleted")
    post_save.connect(sites_changed, sender=Site, dispatch_uid="publishing.purge.site_saved")
    post_delete.connect(sites_changed, sender=Site, dispatch_uid="publishing.purge.site_deleted")
    post_save.connect(
        sites_changed, sender=PageViewRestriction, dispatch_uid="publishing.purge.privacy_saved"
    )
    post_delete.connect(
        sites_changed, sender=PageViewRestriction, dispatch_uid="publishing.purge.privacy_deleted"
    )


def _on_page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        purge_page(instance.pk)
