"""The sites an editor allows to embed discussions (imported from ``DiscussionConfig.ready``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, lower-cased; "" when it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


class EmbedOrigin(models.Model):
    """One site (scheme, host and port) whose pages may show a Masthead discussion."""

    origin = models.CharField(
        max_length=255,
        unique=True,
        help_text="The site's address without a path, e.g. https://blog.example.org",
    )
    label = models.CharField(
        max_length=120, blank=True, help_text="Who runs it, for the newsroom's own notes."
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "discussion"
        ordering = ["origin"]
        verbose_name = "embedding site"

    def __str__(self) -> str:
        return self.origin

    def clean(self) -> None:
        normalised = origin_of(self.origin)
        if not normalised or urlsplit(self.origin.strip()).path not in {"", "/"}:
            raise ValidationError(
                {"origin": "Enter a site address such as https://blog.example.org (no path)."}
            )
        self.origin = normalised
