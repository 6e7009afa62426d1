"""Signed links that let a donor manage a monthly gift without an account."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from masthead.funding.models import Donation

_SALT = "masthead.funding.manage"


def manage_token(donation: Donation) -> str:
    return signing.dumps(str(donation.public_id), salt=_SALT, compress=True)


def donation_for_token(token: str) -> Donation | None:
    """The donation a manage link names, or None when the link was forged or mangled."""
    try:
        public_id = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return Donation.objects.select_related("campaign").filter(public_id=public_id).first()


def manage_url(donation: Donation) -> str:
    root = donation.campaign.site.root_url.rstrip("/")
    return root + reverse("funding:manage", args=[manage_token(donation)])
