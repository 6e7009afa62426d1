from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from wagtail.models import Page

from masthead.funding import services
from masthead.funding.models import Campaign, Donation
from masthead.funding.money import AmountError, Format, exponent, format_amount, to_minor

OTHER = "other"


def preset_amounts(text: str, currency: str) -> list[int]:
    """Minor units of the presets editors listed in whole units ("5, 10, 25")."""
    amounts = []
    for part in text.split(","):
        try:
            amount = to_minor(part, currency)
        except AmountError:
            continue
        if 0 < amount <= settings.FUNDING_MAX_AMOUNT:
            amounts.append(amount)
    return sorted(set(amounts))


class DonationForm(forms.Form):
    amount_choice = forms.ChoiceField(label="Amount", widget=forms.RadioSelect)
    custom_amount = forms.CharField(label="Other amount", required=False, max_length=20)
    frequency = forms.ChoiceField(
        label="How often",
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONE_OFF,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name", max_length=80)
    email = forms.EmailField(label="Email (for your receipt)", max_length=254)
    listed = forms.BooleanField(label="List my name and message on the supporters wall", required=False)
    message = forms.CharField(
        label="Message (optional)", required=False, max_length=280, widget=forms.Textarea(attrs={"rows": 3})
    )
    article = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    request_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, campaign: Campaign, presets: list[int], fmt: Format, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        choices = [(str(amount), format_amount(amount, campaign.currency, fmt)) for amount in presets]
        amount_field = self.fields["amount_choice"]
        assert isinstance(amount_field, forms.ChoiceField)
        amount_field.choices = [*choices, (OTHER, "Other amount")]
        self.fields["amount_choice"].initial = choices[1][0] if len(choices) > 1 else OTHER
        step = "1" if exponent(campaign.currency) == 0 else "0.01"
        self.fields["custom_amount"].widget.attrs.update({"inputmode": "decimal", "data-step": step})
        self.fields["custom_amount"].label = f"Other amount ({campaign.currency})"
        self.fields["request_token"].initial = uuid.uuid4()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("amount_choice")
        if choice is None:
            return data
        raw = data.get("custom_amount", "").strip() if choice == OTHER else None
        if raw == "":
            self.add_error("custom_amount", "Enter the amount you would like to give.")
            return data
        try:
            amount = to_minor(raw, self.campaign.currency) if raw is not None else int(choice)
        except AmountError as exc:
            self.add_error("custom_amount", str(exc))
            return data
        try:
            services.validate_amount(amount=amount, currency=self.campaign.currency, campaign=self.campaign)
        except services.FundingError as exc:
            self.add_error("custom_amount" if choice == OTHER else "amount_choice", exc.messages[0])
            return data
        data["amount"] = amount
        return data

    def article_page(self) -> Page | None:
        """The article that brought the reader here; an unknown id just goes unattributed."""
        article_id = self.cleaned_data.get("article")
        if not article_id:
            return None
        return Page.objects.live().public().filter(pk=article_id).first()
