"""Reader-facing pages: the campaign and donation form, the bar fragment, the manage link,
and Stripe's webhook endpoint. Each view parses input, calls one service, renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Site

from masthead.core import ratelimit
from masthead.core.middleware import PUBLIC_CSP
from masthead.funding import bar, gateways, selectors, services
from masthead.funding.forms import DonationForm, preset_amounts
from masthead.funding.gateways import stripe_webhooks
from masthead.funding.links import donation_for_token
from masthead.funding.models import Campaign, Donation, FundingSettings
from masthead.funding.money import format_amount

CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def _campaign_or_404(request: HttpRequest) -> tuple[Site, Campaign]:
    site = Site.find_for_request(request)
    campaign = selectors.campaign_current(site=site)
    if site is None or campaign is None:
        raise Http404("No campaign is running.")
    return site, campaign


@never_cache
@require_http_methods(["GET", "POST"])
def support(request: HttpRequest) -> HttpResponse:
    """The campaign page: goal, raised, supporters, the wall and the donation form."""
    site, campaign = _campaign_or_404(request)
    settings_ = FundingSettings.for_site(site)
    fmt = selectors.amount_format(site=site)
    gateway = gateways.online()
    form_kwargs: dict[str, Any] = {
        "campaign": campaign,
        "presets": preset_amounts(settings_.preset_amounts, campaign.currency),
        "fmt": fmt,
    }
    status = 200
    if request.method == "POST":
        form = DonationForm(request.POST, **form_kwargs)
        limit = settings.FUNDING_DONATION_RATE_LIMIT
        if not ratelimit.hit("funding.donate", ratelimit.request_keys(request), ratelimit.Limit(limit, 3600)):
            form.is_valid()
            form.add_error(None, "Too many attempts from your network. Please wait a while and try again.")
            status = 429
        elif gateway is None:
            form.is_valid()
            form.add_error(None, "Online giving is not available right now. Please use a bank transfer.")
            status = 503
        elif form.is_valid():
            response = _start(request, form, campaign, gateway)
            if response is not None:
                return response
            status = 502
        else:
            status = 400
    else:
        article = request.GET.get("article", "")
        form = DonationForm(
            initial={"article": int(article) if article.isdigit() and len(article) < 12 else None},
            **form_kwargs,
        )
    context = {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign=campaign, fmt=fmt),
        "wall": selectors.supporters_wall(campaign=campaign),
        "form": form,
        "online": gateway is not None,
        "funding_settings": settings_,
    }
    response = render(request, "funding/support.html", context, status=status)
    # The form's answer redirects to Stripe's hosted page, and browsers apply form-action to
    # that redirect too: allow exactly that origin, keep the rest of the site's policy.
    response["Content-Security-Policy"] = PUBLIC_CSP.replace(
        "form-action 'self'", f"form-action 'self' {CHECKOUT_ORIGIN}"
    )
    return response


def _start(
    request: HttpRequest, form: DonationForm, campaign: Campaign, gateway: gateways.Gateway
) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        donation, created = services.donation_start(
            campaign=campaign,
            amount=data["amount"],
            currency=campaign.currency,
            frequency=data["frequency"],
            gateway=gateway.name,
            name=data["name"],
            email=data["email"],
            listed=data["listed"],
            message=data["message"],
            article=form.article_page(),
            request_token=data["request_token"],
            user=request.user,
        )
    except services.FundingError as exc:
        form.add_error(None, exc.messages[0])
        return None
    if not created and donation.checkout_url:
        # The same form posted twice: send the reader to the payment already started.
        return HttpResponse(status=303, headers={"Location": donation.checkout_url})
    success = request.build_absolute_uri(reverse("funding:thanks")) + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = request.build_absolute_uri(reverse("funding:support"))
    try:
        url = gateway.start_checkout(donation, success_url=success, cancel_url=cancel)
    except gateways.GatewayError as exc:
        form.add_error(None, str(exc))
        return None
    return HttpResponse(status=303, headers={"Location": url})


@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    site = Site.find_for_request(request)
    campaign = selectors.campaign_current(site=site)
    session_id = request.GET.get("session_id", "")[:255]
    donation = Donation.objects.filter(stripe_checkout_session=session_id).first() if session_id else None
    return render(request, "funding/thanks.html", {"campaign": campaign, "donation": donation})


@require_GET
def bar_fragment(request: HttpRequest) -> HttpResponse:
    """The bar alone, for edge-side includes; fresh within seconds of a gift."""
    response = HttpResponse(bar.render_for_site(Site.find_for_request(request)))
    patch_cache_control(response, public=True, max_age=10, stale_while_revalidate=30)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """A monthly donor's own page, reached from the link in every receipt."""
    donation = donation_for_token(token)
    if donation is None:
        return render(request, "funding/manage_invalid.html", status=404)
    error = ""
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if not ratelimit.hit("funding.manage", ratelimit.request_keys(request), ratelimit.Limit(20, 3600)):
            error = "Too many attempts. Please try again later."
        else:
            try:
                services.donation_cancel(
                    donation=donation, source="donor manage link", reason="cancelled by donor"
                )
            except gateways.GatewayError as exc:
                error = str(exc)
            else:
                return redirect(request.path + "?cancelled=1")
    fmt = selectors.amount_format(site=donation.campaign.site)
    payments = [
        (entry, format_amount(entry.amount, entry.currency, fmt))
        for entry in donation.ledger.exclude(kind="fee").order_by("occurred_at")
    ]
    context = {
        "donation": donation,
        "payments": payments,
        "amount": format_amount(donation.amount, donation.currency, fmt),
        "error": error,
        "cancelled_now": request.GET.get("cancelled") == "1",
        "can_cancel": donation.frequency == Donation.Frequency.MONTHLY
        and donation.status == Donation.Status.SUCCEEDED,
    }
    response = render(request, "funding/manage.html", context, status=400 if error else 200)
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    outcome = stripe_webhooks.receive(request.body, request.headers.get("Stripe-Signature"))
    return JsonResponse(outcome.body, status=outcome.status)
