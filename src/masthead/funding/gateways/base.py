from __future__ import annotations

from typing import Protocol

from masthead.funding.models import Donation


class GatewayError(Exception):
    """The provider refused or could not be reached; nothing was charged or changed."""


class Gateway(Protocol):
    name: str

    def enabled(self) -> bool:
        """Configured well enough to take money."""

    def start_checkout(self, donation: Donation, *, success_url: str, cancel_url: str) -> str:
        """Begin paying for a pending ``donation``; returns the URL to send the reader to."""

    def cancel_recurring(self, donation: Donation) -> None:
        """Stop a monthly donation's future payments at the provider."""
