"""Word lists, sanctions, discussions and modes, and the audit log (Wagtail admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from masthead.moderation import auditlog, selectors, services
from masthead.moderation.forms import (
    AuditFilterForm,
    DiscussionForm,
    DomainBanForm,
    ModeForm,
    PhraseForm,
    SanctionForm,
)
from masthead.moderation.models import BannedDomain, ModerationSetting, Phrase, Sanction
from masthead.publishing.models import ArticlePage, SectionPage


def _form_errors(request: HttpRequest, form) -> None:  # type: ignore[no-untyped-def]
    for field, errors in form.errors.items():
        messages.error(request, f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors))


@permission_required("moderation.manage_word_lists", raise_exception=True)
def word_lists(request: HttpRequest) -> HttpResponse:
    form = PhraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            lines = form.cleaned_data["lines"].splitlines()
            count = services.phrases_add_many(lines=lines, kind=form.cleaned_data["kind"], actor=request.user)
            messages.success(request, f"{count} phrases listed as {form.cleaned_data['kind']}.")
            return redirect("moderation_admin:lists")
        _form_errors(request, form)
    query = request.GET.get("q", "")[:200]
    phrases = Phrase.objects.all()
    if query:
        phrases = phrases.filter(normalised__contains=query.lower())
    page = Paginator(phrases, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/admin/lists.html",
        {"title": "Word lists", "form": form, "phrases": page, "query": query},
    )


@require_POST
@permission_required("moderation.manage_word_lists", raise_exception=True)
def word_list_remove(request: HttpRequest, phrase_id: int) -> HttpResponse:
    services.phrase_remove(phrase=get_object_or_404(Phrase, pk=phrase_id), actor=request.user)
    messages.success(request, "Phrase removed.")
    return redirect("moderation_admin:lists")


@permission_required("moderation.apply_sanctions", raise_exception=True)
def sanctions(request: HttpRequest) -> HttpResponse:
    form = SanctionForm(
        request.POST if request.method == "POST" else None,
        prefix="sanction",
        initial={"email": request.GET.get("email", "")},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            user = get_user_model().objects.filter(email__iexact=data["email"]).first()
            if user is None:
                form.add_error("email", "No account has that email address.")
            else:
                try:
                    services.sanction_apply(
                        user=user,
                        kind=data["kind"],
                        actor=request.user,
                        reason=data["reason"],
                        days=data["days"],
                    )
                except ValueError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, f"{Sanction.Kind(data['kind']).label}: {user.email}.")
                    return redirect("moderation_admin:sanctions")
        _form_errors(request, form)
    active = Sanction.objects.active().select_related("user", "created_by").order_by("-created_at")[:200]
    return render(
        request,
        "moderation/admin/sanctions.html",
        {
            "title": "Sanctions",
            "form": form,
            "domain_form": DomainBanForm(prefix="domain"),
            "active": active,
            "domains": BannedDomain.objects.all(),
        },
    )


@require_POST
@permission_required("moderation.apply_sanctions", raise_exception=True)
def sanction_revoke(request: HttpRequest, sanction_id: int) -> HttpResponse:
    sanction = get_object_or_404(Sanction, pk=sanction_id)
    services.sanction_revoke(
        sanction=sanction, actor=request.user, reason=request.POST.get("reason", "")[:500]
    )
    messages.success(request, "Sanction lifted.")
    return redirect("moderation_admin:sanctions")


@require_POST
@permission_required("moderation.apply_sanctions", raise_exception=True)
def domain_ban(request: HttpRequest) -> HttpResponse:
    form = DomainBanForm(request.POST, prefix="domain")
    if form.is_valid():
        try:
            services.domain_ban(
                domain=form.cleaned_data["domain"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Domain banned.")
    else:
        _form_errors(request, form)
    return redirect("moderation_admin:sanctions")


@require_POST
@permission_required("moderation.apply_sanctions", raise_exception=True)
def domain_unban(request: HttpRequest, domain_id: int) -> HttpResponse:
    services.domain_unban(banned=get_object_or_404(BannedDomain, pk=domain_id), actor=request.user)
    messages.success(request, "Domain ban lifted.")
    return redirect("moderation_admin:sanctions")


@permission_required("moderation.close_discussions", raise_exception=True)
def discussions(request: HttpRequest) -> HttpResponse:
    """Sections and recent articles with their discussion state and moderation mode."""
    sections = list(SectionPage.objects.order_by("title"))
    articles = list(ArticlePage.objects.live().order_by("-first_published_at")[:50])
    settings_by_page = {s.page_id: s.mode for s in ModerationSetting.objects.filter(page__isnull=False)}
    site = Site.objects.filter(is_default_site=True).first()
    site_setting = ModerationSetting.objects.filter(site=site).first() if site else None
    rows = [
        {
            "page": page,
            "kind": "section" if isinstance(page, SectionPage) else "article",
            "mode": settings_by_page.get(page.pk, ""),
            "state": selectors.discussion_state(page) if isinstance(page, ArticlePage) else "",
        }
        for page in [*sections, *articles]
    ]
    return render(
        request,
        "moderation/admin/discussions.html",
        {
            "title": "Discussions and modes",
            "rows": rows,
            "site": site,
            "site_mode": site_setting.mode if site_setting else "",
            "default_mode": selectors.moderation_mode(None),
            "modes": ModeForm.base_fields["mode"].choices,  # type: ignore[attr-defined]
            "states": DiscussionForm.base_fields["state"].choices,  # type: ignore[attr-defined]
        },
    )


@require_POST
@permission_required("moderation.close_discussions", raise_exception=True)
def discussion_state(request: HttpRequest) -> HttpResponse:
    form = DiscussionForm(request.POST)
    if form.is_valid():
        page = get_object_or_404(Page, pk=form.cleaned_data["page"])
        try:
            services.discussion_close(
                page=page,
                state=form.cleaned_data["state"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Discussion of “{page.title}”: {form.cleaned_data['state']}.")
    else:
        _form_errors(request, form)
    return redirect("moderation_admin:discussions")


@require_POST
@permission_required("moderation.close_discussions", raise_exception=True)
def mode_set(request: HttpRequest) -> HttpResponse:
    form = ModeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        page = get_object_or_404(Page, pk=data["page"]) if data["page"] else None
        site = get_object_or_404(Site, pk=data["site"]) if data["site"] else None
        try:
            services.moderation_mode_set(mode=data["mode"] or None, actor=request.user, page=page, site=site)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Moderation mode saved.")
    else:
        _form_errors(request, form)
    return redirect("moderation_admin:discussions")


@permission_required("moderation.view_audit_log", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = auditlog.audit_search(
        query=filters.get("q") or "",
        action=filters.get("action") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(auditlog.audit_csv(events), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="moderation-audit-{stamp}.csv"'
        return response
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/admin/audit.html",
        {
            "title": "Audit log",
            "form": form,
            "events": page,
            "actions": auditlog.audit_actions(),
            "query": query.urlencode(),
        },
    )
