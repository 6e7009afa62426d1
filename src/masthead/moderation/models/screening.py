from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class ModerationMode(models.TextChoices):
    POST = "post", "Post-moderation: publish, review afterwards"
    PRE = "pre", "Pre-moderation: hold everything but staff and trusted commenters"
    TRUST = "trust", "Trust-based: hold new and low-trust commenters"


class ModerationSetting(models.Model):
    """The moderation mode of a site (its root page) or of a section or article page.

    The deepest page on an article's path that has a setting wins; then its site's.
    """

    site = models.OneToOneField("wagtailcore.Site", null=True, blank=True, on_delete=models.CASCADE)
    page = models.OneToOneField("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE)
    mode = models.CharField(max_length=10, choices=ModerationMode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True, page__isnull=False) | Q(site__isnull=False, page__isnull=True),
                name="moderation_setting_site_xor_page",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site or self.page}: {self.mode}"


class ScreeningRecord(models.Model):
    """What the pipeline decided about one saved piece of reader text, and why."""

    # Every row is written with each published comment, so it carries no index a query does
    # not use: content type and author are served by the two indexes in Meta that start
    # with them, and the fingerprint is only looked up with its author.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=10)
    reasons = models.JSONField(default=list)
    codes = models.JSONField(default=list)
    # The same codes as ",offensive,new_commenter,", for filtering the queue by reason anywhere.
    rules = models.CharField(max_length=500, blank=True)
    score = models.FloatField(null=True, blank=True)
    # A hash of the normalised text, for spotting the same comment posted again.
    fingerprint = models.CharField(max_length=64)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="moderation_screen_target"),
            models.Index(fields=["author", "fingerprint"], name="moderation_screen_repeat"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.verdict}"
