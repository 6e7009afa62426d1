"""The moderators' workspace inside Wagtail's admin: queues, one item, decisions, appeals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.models import Page

from masthead.moderation import queues, registry, services
from masthead.moderation.forms import AppealDecisionForm, DecisionForm
from masthead.moderation.models import Appeal, ScreeningRecord
from masthead.publishing.models import SectionPage

MODERATE = "moderation.moderate"


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@permission_required(MODERATE, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("queue", "pending")
    if name not in queues.QUEUES:
        raise Http404("No such queue")
    key = request.GET.get("type", "comment")
    try:
        registry.get(key)
    except LookupError:
        raise Http404("Nothing of that type is moderated") from None
    section_id = _int(request.GET.get("section"))
    filters = queues.QueueFilters(
        article=_int(request.GET.get("article")),
        section=Page.objects.filter(pk=section_id).first() if section_id else None,
        author=request.GET.get("author", "")[:254],
        reason=request.GET.get("reason", "")[:40],
    )
    page = _int(request.GET.get("page")) or 1
    entries, has_next = queues.queue_page(key=key, queue=name, filters=filters, page=page, request=request)
    return render(
        request,
        "moderation/admin/queue.html",
        {
            "title": "Moderation queues",
            "queue": name,
            "queues": queues.QUEUES,
            "key": key,
            "entries": entries,
            "filters": filters,
            "page": page,
            "has_next": has_next,
            "sections": SectionPage.objects.live().order_by("title").only("id", "title"),
            "reasons": _reason_codes(),
            "decisions": _decisions_for(name),
            "query": request.GET.urlencode(),
        },
    )


def _reason_codes() -> list[str]:
    return [
        "suspect_phrase",
        "offensive",
        "link_new_commenter",
        "too_many_links",
        "shouting",
        "flooding",
        "repetitive",
        "new_commenter",
        "rejection_rate",
        "pre_moderation",
        "premoderated",
    ]


def _decisions_for(queue_name: str) -> list[tuple[str, str]]:
    # The decision needing a reason comes first: Enter in the reason field presses it.
    if queue_name in {"pending", "held"}:
        return [("reject", "Reject"), ("approve", "Approve")]
    if queue_name == "rejected":
        return [("restore", "Restore")]
    return [("remove", "Remove"), ("hide", "Hide"), ("hold", "Hold"), ("approve", "Keep (dismiss reports)")]


@require_POST
@permission_required(MODERATE, raise_exception=True)
def decide(request: HttpRequest) -> HttpResponse:
    form = DecisionForm(request.POST)
    fallback = "moderation_admin:queue"
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(error) for error in errors)}")
        return _back(request, fallback)
    data = form.cleaned_data
    if data["decision"] == "edit" or len(data["ids"]) == 1:
        try:
            services.item_decide(
                key=data["key"],
                object_id=data["ids"][0],
                decision=data["decision"],
                actor=request.user,
                reason=data["reason"],
                text=data["text"],
            )
        except (LookupError, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Done: {data['decision']}.")
        return _back(request, fallback)
    try:
        done, failures = services.items_decide_bulk(
            key=data["key"],
            object_ids=data["ids"],
            decision=data["decision"],
            actor=request.user,
            reason=data["reason"],
        )
    except ValueError as error:
        messages.error(request, str(error))
        return _back(request, fallback)
    messages.success(request, f"{data['decision'].capitalize()}: {done} of {len(data['ids'])}.")
    for failure in failures[:10]:
        messages.error(request, failure)
    return _back(request, fallback)


@permission_required(MODERATE, raise_exception=True)
def item(request: HttpRequest, key: str, object_id: int) -> HttpResponse:
    try:
        file = queues.item_file(key=key, object_id=object_id, request=request)
    except LookupError:
        raise Http404("No such item") from None
    return render(request, "moderation/admin/item.html", {"title": "Comment", "key": key, **file})


@permission_required(MODERATE, raise_exception=True)
def author(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    key = request.GET.get("type", "comment")
    try:
        adapter = registry.get(key)
    except LookupError:
        raise Http404("Nothing of that type is moderated") from None
    history = queues.author_histories(adapter=adapter, user_ids=[user.pk])[user.pk]
    recent = (
        adapter.queryset().filter(**{adapter.author_field: user}).order_by(f"-{adapter.created_field}")[:20]
    )
    entries = [queues.QueueEntry(item=adapter.describe(obj, request)) for obj in recent]
    queues.enrich(adapter=adapter, entries=entries)
    return render(
        request,
        "moderation/admin/author.html",
        {
            "title": "Author history",
            "subject": user,
            "history": history,
            "entries": entries,
            "key": key,
            "screened": ScreeningRecord.objects.filter(author=user).count(),
        },
    )


@require_POST
@permission_required(MODERATE, raise_exception=True)
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to grant or deny the appeal.")
        return _back(request, "moderation_admin:queue")
    try:
        services.appeal_decide(
            appeal=appeal,
            actor=request.user,
            grant=form.cleaned_data["grant"],
            reply=form.cleaned_data["reply"],
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Appeal granted." if form.cleaned_data["grant"] else "Appeal denied.")
    return _back(request, "moderation_admin:queue")
