"""Campaigns, donations and the append-only ledger the raised totals are derived from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from masthead.funding.money import CURRENCY_CHOICES

DEFAULT_CTA = "Do you like this content? Consider helping us!"


def default_currency() -> str:
    return settings.FUNDING_DEFAULT_CURRENCY


class Campaign(models.Model):
    """A goal for one site over a period; a monthly campaign rolls over to the next month."""

    class Recurrence(models.TextChoices):
        NONE = "none", _("One period")
        MONTHLY = "monthly", _("Monthly, rolling over")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    goal = models.PositiveBigIntegerField(help_text=_("In the currency's minor units (cents)."))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default=default_currency)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text=_("The first day the campaign no longer runs."))
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices, default=Recurrence.NONE)
    # The campaign this one rolled over from; unique, so two schedulers cannot both roll it over.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_campaign"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(goal__gt=0), name="campaign_goal_positive"),
        ]
        permissions = [
            ("view_funding_reports", "Can view funding reports"),
            ("record_offline_gift", "Can record offline gifts"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d})"


class Donation(models.Model):
    """One reader's gift: one-off, or a monthly subscription whose payments are ledger entries."""

    class Frequency(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        MONTHLY = "monthly", _("Monthly")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    class Gateway(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        OFFLINE = "offline", _("Offline")

    class OfflineMethod(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="donations")
    article = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF)
    amount = models.PositiveBigIntegerField(help_text=_("Per payment, in minor units."))
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway = models.CharField(max_length=10, choices=Gateway.choices)
    offline_method = models.CharField(max_length=20, choices=OfflineMethod.choices, blank=True)
    name = models.CharField(max_length=80, blank=True)
    email = models.EmailField(blank=True)
    listed = models.BooleanField(default=False, help_text=_("Shown by name on the supporters wall."))
    message = models.CharField(max_length=280, blank=True)
    livemode = models.BooleanField(default=False)
    # A double-clicked form posts the same token twice; the second finds the first donation.
    request_token = models.UUIDField(null=True, blank=True, unique=True)
    stripe_checkout_session = models.CharField(max_length=255, blank=True)
    stripe_customer = models.CharField(max_length=255, blank=True)
    stripe_subscription = models.CharField(max_length=255, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)
    checkout_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["stripe_subscription"]),
            models.Index(fields=["stripe_payment_intent"]),
            models.Index(fields=["stripe_checkout_session"]),
            models.Index(fields=["campaign", "status"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} gift #{self.pk} ({self.amount} {self.currency})"

    @property
    def public_name(self) -> str:
        return self.name if self.listed and self.name else str(_("Anonymous"))


class LedgerEntry(models.Model):
    """One movement of money. Rows are only ever added: corrections are new entries.

    ``amount`` is signed: contributions and gifts add, refunds and disputes subtract. Fees
    are recorded for the accounts but do not count towards the raised total.
    """

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        OFFLINE_GIFT = "offline_gift", _("Offline gift")
        REFUND = "refund", _("Refund")
        DISPUTE = "dispute", _("Dispute (funds withdrawn)")
        DISPUTE_WON = "dispute_won", _("Dispute won (funds reinstated)")
        FEE = "fee", _("Fee")

    RAISED_KINDS = (Kind.CONTRIBUTION, Kind.OFFLINE_GIFT, Kind.REFUND, Kind.DISPUTE, Kind.DISPUTE_WON)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ledger")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.BigIntegerField(help_text=_("Signed, in minor units."))
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=10, choices=Donation.Gateway.choices)
    # The provider's id for this movement (payment intent, invoice, refund, dispute); unique per
    # kind, so a webhook delivered twice cannot write the same movement twice.
    external_id = models.CharField(max_length=255)
    # The payment this entry belongs to (a contribution's payment intent), to find it on refund.
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(fields=["gateway", "kind", "external_id"], name="ledger_movement_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["contribution", "offline_gift", "dispute_won"], amount__gt=0)
                | Q(kind__in=["refund", "dispute", "fee"], amount__lt=0),
                name="ledger_amount_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Append-only is what makes the totals auditable; refuse edits at the model too.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Ledger entries are never changed; record a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("Ledger entries are never deleted; record a correcting entry instead.")


class FundingEvent(models.Model):
    """Who changed what money, when and why (the audit trail editors read)."""

    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For changes no person made: "stripe webhook evt_…", "scheduler".
    source = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    ledger_entry = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class WebhookEvent(models.Model):
    """A provider event processed once: its id is stored in the transaction that applied it."""

    gateway = models.CharField(max_length=10, choices=Donation.Gateway.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=80)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.type} {self.event_id}"


class Receipt(models.Model):
    """A receipt mailed for one ledger entry; the row is claimed before sending so retries skip it."""

    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="receipt")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Receipt for {self.ledger_entry_id} to {self.email}"


@register_setting(icon="pick")
class FundingSettings(BaseSiteSetting):
    """What editors set per site: the call to action and how amounts are written."""

    call_to_action = models.CharField(max_length=200, default=DEFAULT_CTA)
    call_to_action_link_text = models.CharField(max_length=60, default="Support us")
    preset_amounts = models.CharField(
        max_length=100,
        default="5, 10, 25, 50",
        help_text=_("Whole units offered on the donation form, comma-separated."),
    )
    symbol_after = models.BooleanField(default=True, help_text=_('Write "4,700 $" rather than "$4,700".'))
    group_separator = models.CharField(max_length=1, default=",", blank=True)
    decimal_separator = models.CharField(max_length=1, default=".")
    bank_details = models.TextField(
        blank=True, help_text=_("Shown on the donation page for readers who prefer a bank transfer.")
    )

    class Meta:
        verbose_name = "funding settings"
