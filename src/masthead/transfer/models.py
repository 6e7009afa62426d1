"""What the importers remember: which object each source record became."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedObject(models.Model):
    """One record of a source (a WordPress post, a Disqus post…) and the object it became.

    The unique constraint is what makes a second run of an import create nothing new: the
    importer looks the record up before writing, and a racing run fails at the database.
    ``source`` names the site it came from (``wordpress:https://blog.example.org``), so two
    WordPress sites with overlapping post ids can be imported side by side.
    """

    source = models.CharField(max_length=300)
    kind = models.CharField(max_length=40)  # "post", "comment", "author", "section", "attachment"…
    source_id = models.CharField(max_length=300)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "source_id"], name="transfer_imported_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="transfer_imported_target")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.content_type_id}:{self.object_id}"
