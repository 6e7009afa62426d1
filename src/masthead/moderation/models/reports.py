from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Report(models.Model):
    """A reader's report of a comment (or any registered item): once per reader per item."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", "Abusive or harassing"
        SPAM = "spam", "Spam or advertising"
        OFF_TOPIC = "off_topic", "Off-topic"
        MISINFORMATION = "misinformation", "Misinformation"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Something else"

    class Resolution(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        DISMISSED = "dismissed", "Dismissed"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.TextField(blank=True, max_length=1000)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, default=Resolution.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="moderation_report_once_per_reader"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "resolution"], name="moderation_report_target")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.content_type_id}:{self.object_id}"


class Appeal(models.Model):
    """An author's appeal of a moderator's decision: one per item, decided by another look."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting"
        GRANTED = "granted", "Granted: restored"
        DENIED = "denied", "Denied"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=2000)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reply = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_appeal_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Appeal on {self.content_type_id}:{self.object_id} ({self.decision})"
