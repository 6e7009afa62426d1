"""Editors' views that are not plain model listings: recording an offline gift, the reports."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Site

from masthead.funding import selectors, services
from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.funding.money import AmountError, format_amount, to_minor


class _Permission:
    permission = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class OfflineGiftForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.select_related("site"))
    amount = forms.CharField(help_text="In whole units with decimals, e.g. 120.50", max_length=20)
    method = forms.ChoiceField(choices=Donation.OfflineMethod.choices)
    reference = forms.CharField(
        required=False, max_length=100, help_text="The bank or cheque reference; each can be recorded once."
    )
    received_at = forms.DateTimeField(required=False, help_text="When the money arrived (default: now).")
    name = forms.CharField(required=False, max_length=80)
    email = forms.EmailField(required=False, help_text="A receipt is mailed here.")
    listed = forms.BooleanField(required=False, label="Listed on the supporters wall")
    message = forms.CharField(required=False, max_length=280, widget=forms.Textarea(attrs={"rows": 2}))
    article = forms.ModelChoiceField(
        queryset=Page.objects.filter(depth__gte=3).order_by("title"),
        required=False,
        help_text="The article that brought the gift, if known.",
    )
    note = forms.CharField(required=False, max_length=255, help_text="Why, for the audit trail.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign = data.get("campaign")
        if campaign is not None and data.get("amount"):
            try:
                data["amount_minor"] = to_minor(data["amount"], campaign.currency)
            except AmountError as exc:
                self.add_error("amount", str(exc))
        return data


class OfflineGiftView(_Permission, WagtailAdminTemplateMixin, FormView):
    permission = "funding.record_offline_gift"
    template_name = "funding/admin/offline_gift.html"
    form_class = OfflineGiftForm
    page_title = "Record an offline gift"
    header_icon = "pick"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form_action=reverse("funding_offline_gift"), **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"campaign": selectors.campaign_current(site=self._site()), "method": "bank_transfer"}

    def _site(self) -> Site | None:
        return Site.find_for_request(self.request)

    def form_valid(self, form: OfflineGiftForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            donation, entry = services.offline_gift_record(
                campaign=data["campaign"],
                amount=data["amount_minor"],
                currency=data["campaign"].currency,
                method=data["method"],
                actor=self.request.user,
                name=data["name"],
                email=data["email"],
                listed=data["listed"],
                message=data["message"],
                article=data["article"],
                reference=data["reference"],
                received_at=data["received_at"] or timezone.now(),
                note=data["note"],
            )
        except services.FundingError as exc:
            form.add_error("reference" if exc.code == "duplicate_reference" else "amount", exc.messages[0])
            return self.form_invalid(form)
        shown = format_amount(entry.amount, entry.currency, selectors.amount_format(site=self._site()))
        messages.success(self.request, f"Recorded {shown} from {donation.name or 'an anonymous donor'}.")
        return redirect(reverse("funding_offline_gift"))


class OfflineRefundForm(forms.Form):
    gift = forms.ModelChoiceField(
        queryset=LedgerEntry.objects.filter(kind=LedgerEntry.Kind.OFFLINE_GIFT).select_related("donation"),
        help_text="The offline gift the money goes back from.",
    )
    amount = forms.CharField(
        help_text="In whole units with decimals; part or all of the gift.", max_length=20
    )
    reason = forms.CharField(max_length=255, help_text="Why, for the audit trail.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        gift = data.get("gift")
        if gift is not None and data.get("amount"):
            try:
                data["amount_minor"] = to_minor(data["amount"], gift.currency)
            except AmountError as exc:
                self.add_error("amount", str(exc))
        return data


class OfflineRefundView(_Permission, WagtailAdminTemplateMixin, FormView):
    """Money handed back from an offline gift, in part or in full: a new refund entry."""

    permission = "funding.record_offline_gift"
    template_name = "funding/admin/offline_gift.html"
    form_class = OfflineRefundForm
    page_title = "Refund an offline gift"
    header_icon = "undo"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(form_action=reverse("funding_offline_refund"), **kwargs)

    def form_valid(self, form: OfflineRefundForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            entry = services.offline_refund_record(
                entry=data["gift"],
                amount=data["amount_minor"],
                actor=self.request.user,
                reason=data["reason"],
            )
        except services.FundingError as exc:
            form.add_error("amount", exc.messages[0])
            return self.form_invalid(form)
        if entry is None:
            form.add_error("amount", "Nothing to refund.")
            return self.form_invalid(form)
        messages.success(self.request, f"Refunded {format_amount(-entry.amount, entry.currency)}.")
        return redirect(reverse("funding_offline_refund"))


class ReportView(_Permission, WagtailAdminTemplateMixin, TemplateView):
    """Totals by campaign, day or article; ``?format=csv`` downloads the same rows."""

    permission = "funding.view_funding_reports"
    template_name = "funding/admin/report.html"
    page_title = "Funding reports"
    header_icon = "table"
    groups = {"campaign": "Campaign", "day": "Day", "article": "Article"}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        group_by = request.GET.get("by", "campaign")
        if group_by not in self.groups:
            group_by = "campaign"
        campaign = None
        if request.GET.get("campaign", "").isdigit():
            campaign = Campaign.objects.filter(pk=int(request.GET["campaign"])).first()
        rows = selectors.report_rows(group_by=group_by, campaign=campaign)
        if request.GET.get("format") == "csv":
            return self._csv(rows, group_by)
        context = self.get_context_data(
            rows=[self._display(row) for row in rows],
            group_by=group_by,
            groups=self.groups,
            campaign=campaign,
            campaigns=Campaign.objects.all()[:50],
        )
        return self.render_to_response(context)

    def _display(self, row: dict[str, Any]) -> dict[str, Any]:
        shown = dict(row)
        for key in ("gross", "refunded", "disputed", "fees", "raised"):
            shown[key] = format_amount(row[key], row["currency"])
        return shown

    def _csv(self, rows: list[dict[str, Any]], group_by: str) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="funding-by-{group_by}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                group_by,
                "currency",
                "gifts",
                "gross_minor",
                "refunded_minor",
                "disputed_minor",
                "fees_minor",
                "raised_minor",
            ]
        )
        for row in rows:
            key = str(row["key"])
            # Spreadsheets run cells that start with = + - @ as formulas; article titles are editor text.
            if key[:1] in ("=", "+", "-", "@"):
                key = "'" + key
            writer.writerow(
                [
                    key,
                    row["currency"],
                    row["gifts"],
                    row["gross"],
                    row["refunded"],
                    row["disputed"],
                    row["fees"],
                    row["raised"],
                ]
            )
        return response
