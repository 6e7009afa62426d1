from __future__ import annotations

from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class NewsImage(AbstractImage):
    """A photo, map or graphic, with the credit and licence every use must show."""

    credit = models.CharField(
        max_length=255, blank=True, help_text="Photographer or source, e.g. “Map: Newsroom”."
    )
    licence = models.CharField(
        max_length=255, blank=True, help_text="e.g. “CC BY 4.0” or “All rights reserved”."
    )

    admin_form_fields = (*Image.admin_form_fields, "credit", "licence")


class NewsRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
