from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def stripe_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Taking money through Stripe without verifying its webhooks would trust anyone's POST."""
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        return [
            Error(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not.",
                hint="Copy the endpoint's signing secret (whsec_…) from the Stripe dashboard.",
                id="funding.E001",
            )
        ]
    return []
