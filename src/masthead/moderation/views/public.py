"""Readers' pages: report a comment, appeal a decision, download their data, delete their account.

Plain HTML forms that work without JavaScript; every write is rate-limited.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from masthead.moderation import limits, registry, services
from masthead.moderation.forms import AccountDeleteForm, AppealForm, ReportForm


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "moderation/too_many.html", {}, status=429)
    response["Retry-After"] = "3600"
    return response


def _item(key: str, object_id: int) -> registry.Item:
    try:
        adapter, obj = services.item_get(key=key, object_id=object_id)
    except LookupError:
        raise Http404("No such comment") from None
    return adapter.describe(obj)


@never_cache
@login_required
def report(request: HttpRequest, key: str, object_id: int) -> HttpResponse:
    item = _item(key, object_id)
    if item.state != "approved":
        raise Http404("No such comment")
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not limits.allowed(request, "moderation.report"):
            return _too_many(request)
        if form.is_valid():
            try:
                _, created = services.report_create(
                    reporter=request.user,
                    key=key,
                    object_id=object_id,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                note = (
                    "Thank you: moderators will look at it." if created else "You have already reported it."
                )
                messages.success(request, note)
                return redirect(item.link or "/")
    return render(request, "moderation/report.html", {"form": form, "item": item})


@never_cache
@login_required
def appeal(request: HttpRequest, key: str, object_id: int) -> HttpResponse:
    item = _item(key, object_id)
    if item.author is None or item.author.pk != request.user.pk:
        raise Http404("No such comment")
    form = AppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not limits.allowed(request, "moderation.appeal"):
            return _too_many(request)
        if form.is_valid():
            try:
                services.appeal_create(
                    author=request.user, key=key, object_id=object_id, text=form.cleaned_data["text"]
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your appeal is with the moderators.")
                return redirect("moderation:my_data")
    return render(request, "moderation/appeal.html", {"form": form, "item": item})


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/my_data.html", {"delete_form": AccountDeleteForm(user=request.user)})


@never_cache
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    if not limits.allowed(request, "moderation.export"):
        return _too_many(request)
    data = services.reader_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@never_cache
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        if not limits.allowed(request, "moderation.delete_account"):
            return _too_many(request)
        if form.is_valid():
            user = request.user
            try:
                services.account_delete(user=user)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                return render(request, "moderation/account_deleted.html")
    return render(request, "moderation/delete_account.html", {"form": form})
