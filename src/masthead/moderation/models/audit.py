from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEvent(models.Model):
    """One moderation action or automatic decision: who (or which rule), what, when, why.

    Labels are copied so the trail still reads after an account is deleted.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "moderator@example.org" or "rule:banned_phrase".
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_label = models.CharField(max_length=254, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="moderation_audit_target"),
            models.Index(fields=["subject", "created_at"], name="moderation_audit_subject"),
        ]
        # The permissions moderation's views check; granted to groups by a data migration.
        permissions = [
            ("moderate", "Can review, approve, reject and feature reader content"),
            ("manage_word_lists", "Can manage banned and suspect word lists"),
            ("apply_sanctions", "Can warn, suspend, ban and shadow-ban readers"),
            ("close_discussions", "Can close or hide an article's discussion"),
            ("view_audit_log", "Can search and export the moderation audit log"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
