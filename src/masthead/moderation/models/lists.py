from __future__ import annotations

from django.conf import settings
from django.db import models


class Phrase(models.Model):
    """A word or phrase moderators list: banned ones reject a comment, suspect ones hold it."""

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned (reject)"
        SUSPECT = "suspect", "Suspect (hold for review)"

    text = models.CharField(max_length=200)
    # The form matched against normalised comment text; one kind per phrase.
    normalised = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["normalised"]

    def __str__(self) -> str:
        return f"{self.text} ({self.kind})"


class BannedDomain(models.Model):
    """An email domain whose accounts may not post (throwaway-address services, spam farms)."""

    domain = models.CharField(max_length=253, unique=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
