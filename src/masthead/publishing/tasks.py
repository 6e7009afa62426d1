"""Periodic work: scheduled publishing runs inside the app (see masthead.core.periodic)."""

from __future__ import annotations

from django.core.management import call_command


def publish_scheduled() -> None:
    """Publish revisions whose go-live time has come and unpublish expired pages."""
    call_command("publish_scheduled", verbosity=0)
