"""The editors' side: campaigns, donations, the ledger, offline gifts, reports, the audit trail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from masthead.funding import admin_views, services
from masthead.funding.models import Campaign, Donation, FundingEvent, LedgerEntry


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Money records are written by services only; editors may look, never add, edit or delete."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


def _index_with(*related: str) -> type[generic.IndexView]:
    """An index view that joins what its columns show, so a page of rows is a fixed number of queries."""

    class IndexView(generic.IndexView):
        def get_base_queryset(self):  # type: ignore[no-untyped-def]
            return super().get_base_queryset().select_related(*related)

    return IndexView


class CampaignCreateView(generic.CreateView):
    def save_instance(self) -> Campaign:
        instance = super().save_instance()
        services.event_record(
            action="campaign.created",
            actor=self.request.user,
            campaign=instance,
            data={"goal": instance.goal},
        )
        return instance


class CampaignForm(WagtailAdminModelForm):
    class Meta:
        model = Campaign
        fields = ["site", "title", "description", "goal", "currency", "starts_on", "ends_on", "recurrence"]

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"]
        if self.instance.pk and currency != self.instance.currency and self.instance.ledger.exists():
            # The ledger's amounts are in the old currency; changing it would relabel money.
            raise forms.ValidationError("Gifts are already recorded in this campaign's currency.")
        return currency


class CampaignEditView(generic.EditView):
    def save_instance(self) -> Campaign:
        before = Campaign.objects.get(pk=self.object.pk)
        instance = super().save_instance()
        changed = [
            name for name in CampaignForm._meta.fields if getattr(before, name) != getattr(instance, name)
        ]
        services.campaign_updated(campaign=instance, actor=self.request.user, changed=changed)
        return instance


class CampaignViewSet(ModelViewSet):
    model = Campaign
    index_view_class = _index_with("site")
    icon = "pick"
    menu_label = "Campaigns"
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    copy_view_enabled = False
    list_display = ["title", "site", "starts_on", "ends_on", "goal", "currency", "recurrence"]
    list_filter = ["site", "recurrence", "currency"]

    def get_form_class(self, for_update: bool = False) -> type[CampaignForm]:
        return CampaignForm


class ReadOnlyViewSet(ModelViewSet):
    inspect_view_enabled = True
    copy_view_enabled = False
    # The add/edit views exist but the policy refuses them; the form is never shown.
    exclude_form_fields: list[str] = []

    @property
    def permission_policy(self) -> ReadOnlyPolicy:  # type: ignore[override]
        return ReadOnlyPolicy(self.model)


class DonationViewSet(ReadOnlyViewSet):
    model = Donation
    index_view_class = _index_with("campaign", "article")
    icon = "user"
    menu_label = "Donations"
    list_display = ["__str__", "name", "status", "gateway", "campaign", "article", "created_at"]
    list_filter = ["status", "gateway", "frequency", "campaign"]
    search_fields = ["name", "email", "stripe_subscription", "stripe_payment_intent"]
    list_export = [
        "pk",
        "created_at",
        "campaign",
        "frequency",
        "amount",
        "currency",
        "status",
        "gateway",
        "offline_method",
        "name",
        "email",
        "listed",
        "article",
        "livemode",
    ]
    export_filename = "donations"
    inspect_view_fields_exclude = ["request_token", "checkout_url"]


class LedgerViewSet(ReadOnlyViewSet):
    model = LedgerEntry
    index_view_class = _index_with("campaign", "donation")
    icon = "list-ul"
    menu_label = "Ledger"
    list_display = [
        "recorded_at",
        "kind",
        "amount",
        "currency",
        "campaign",
        "donation",
        "gateway",
        "external_id",
    ]
    list_filter = ["kind", "gateway", "campaign"]
    list_export = [
        "pk",
        "recorded_at",
        "occurred_at",
        "kind",
        "amount",
        "currency",
        "campaign",
        "donation",
        "gateway",
        "external_id",
        "payment_reference",
        "recorded_by",
        "note",
    ]
    export_filename = "ledger"


class EventViewSet(ReadOnlyViewSet):
    model = FundingEvent
    index_view_class = _index_with("actor", "donation")
    icon = "history"
    menu_label = "Money events"
    list_display = ["created_at", "action", "actor", "source", "reason", "donation"]
    list_filter = ["action"]
    list_export = [
        "pk",
        "created_at",
        "action",
        "actor",
        "source",
        "reason",
        "campaign",
        "donation",
        "ledger_entry",
        "data",
    ]
    export_filename = "funding-events"


class FundingGroup(ViewSetGroup):
    menu_label = "Funding"
    menu_icon = "pick"
    menu_order = 250
    items = (
        CampaignViewSet("funding_campaigns"),
        DonationViewSet("funding_donations"),
        LedgerViewSet("funding_ledger"),
        EventViewSet("funding_events"),
    )


@hooks.register("register_admin_viewset")
def register_viewsets() -> FundingGroup:
    return FundingGroup()


@hooks.register("register_admin_urls")
def register_urls() -> list:
    return [
        path("funding/offline-gift/", admin_views.OfflineGiftView.as_view(), name="funding_offline_gift"),
        path(
            "funding/offline-refund/", admin_views.OfflineRefundView.as_view(), name="funding_offline_refund"
        ),
        path("funding/reports/", admin_views.ReportView.as_view(), name="funding_reports"),
    ]


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def offline_gift_menu_item() -> MenuItem:
    return _PermissionMenuItem(
        "Record offline gift",
        reverse("funding_offline_gift"),
        icon_name="plus",
        order=251,
        permission="funding.record_offline_gift",
    )


@hooks.register("register_admin_menu_item")
def offline_refund_menu_item() -> MenuItem:
    return _PermissionMenuItem(
        "Refund offline gift",
        reverse("funding_offline_refund"),
        icon_name="undo",
        order=252,
        permission="funding.record_offline_gift",
    )


@hooks.register("register_admin_menu_item")
def reports_menu_item() -> MenuItem:
    return _PermissionMenuItem(
        "Funding reports",
        reverse("funding_reports"),
        icon_name="table",
        order=252,
        permission="funding.view_funding_reports",
    )
