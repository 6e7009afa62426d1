"""Payment providers behind one small interface (see ``base.Gateway``).

``stripe`` takes readers' gifts online; ``offline`` is how editors record bank transfers,
cash and cheques. Both write to the same ledger through ``services.contribution_record``.
"""

from __future__ import annotations

from masthead.funding.gateways.base import Gateway, GatewayError
from masthead.funding.gateways.offline import OfflineGateway
from masthead.funding.gateways.stripe import StripeGateway

__all__ = ["Gateway", "GatewayError", "get", "online"]


def get(name: str) -> Gateway:
    if name == "stripe":
        return StripeGateway()
    if name == "offline":
        return OfflineGateway()
    raise GatewayError(f"Unknown payment provider {name!r}")


def online() -> Gateway | None:
    """The provider readers pay through on the donation page, when one is configured."""
    gateway = StripeGateway()
    return gateway if gateway.enabled() else None
