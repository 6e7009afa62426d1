"""Background work: receipts by email and reading provider fees. Safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from masthead.funding import services
from masthead.funding.links import manage_url
from masthead.funding.models import Donation, LedgerEntry, Receipt
from masthead.funding.money import format_amount
from masthead.funding.selectors import amount_format


@task()
def send_receipt(entry_id: int) -> str:
    """Mail the receipt for one contribution or gift, once."""
    entry = LedgerEntry.objects.select_related("donation", "campaign__site").get(pk=entry_id)
    donation = entry.donation
    if not donation.email:
        return "no address"
    try:
        with transaction.atomic():
            receipt, _ = Receipt.objects.get_or_create(ledger_entry=entry, defaults={"email": donation.email})
    except IntegrityError:
        receipt = Receipt.objects.get(ledger_entry=entry)
    if receipt.sent_at is not None:
        return "already sent"
    site = entry.campaign.site
    context = {
        "entry": entry,
        "donation": donation,
        "campaign": entry.campaign,
        "amount": format_amount(entry.amount, entry.currency, amount_format(site=site)),
        "site_name": settings.SITE_NAME,
        "manage_url": manage_url(donation) if donation.frequency == Donation.Frequency.MONTHLY else "",
    }
    message = EmailMultiAlternatives(
        subject=f"Thank you for supporting {settings.SITE_NAME}",
        body=render_to_string("funding/email/receipt.txt", context),
        to=[donation.email],
    )
    message.attach_alternative(render_to_string("funding/email/receipt.html", context), "text/html")
    message.send()
    # Claimed before, marked after: a crash between the two re-sends rather than loses a receipt.
    Receipt.objects.filter(pk=receipt.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return "sent"


@task()
def record_payment_fee(donation_id: int, payment_intent: str) -> str:
    """Ask Stripe what it kept from a payment and put it in the ledger as a fee."""
    from masthead.funding.gateways.stripe import StripeGateway

    fee = StripeGateway().payment_fee(payment_intent)
    if fee is None:
        return "fee unknown"
    with transaction.atomic():
        donation = services.lock_donation(donation_id)
        entry = services.fee_record(
            donation=donation,
            fee=fee,
            external_id=f"{payment_intent}:fee",
            payment_reference=payment_intent,
            source="stripe fee lookup",
        )
    return "fee recorded" if entry else "no fee"
