from __future__ import annotations

from masthead.funding.gateways.base import GatewayError
from masthead.funding.models import Donation


class OfflineGateway:
    """Gifts that arrive outside the site. Editors record them with ``services.offline_gift_record``."""

    name = "offline"

    def enabled(self) -> bool:
        return True

    def start_checkout(self, donation: Donation, *, success_url: str, cancel_url: str) -> str:
        raise GatewayError("Offline gifts are recorded by an editor, not paid online.")

    def cancel_recurring(self, donation: Donation) -> None:
        # A standing order lives at the donor's bank; marking it cancelled here is all we can do.
        return None
