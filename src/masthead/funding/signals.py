"""Cache invalidation only: what the bar shows changed, so pages showing it must refresh."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.core import pagecache
from masthead.funding.models import Campaign, FundingSettings


@receiver(post_save, sender=Campaign)
@receiver(post_delete, sender=Campaign)
@receiver(post_save, sender=FundingSettings)
def _bar_changed(**kwargs: Any) -> None:
    transaction.on_commit(lambda: pagecache.bump("funding"))
