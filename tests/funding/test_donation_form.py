"""The donation form: presets and custom amounts, Checkout Sessions at the stub, bad input, limits."""

import uuid

import pytest

from masthead.funding.models import Donation
from tests.publishing.factories import make_article

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "amount_choice": "2500",
        "custom_amount": "",
        "frequency": "one_off",
        "name": "Wren Alder",
        "email": "wren@example.org",
        "listed": "on",
        "message": "For the ferry coverage",
        "request_token": str(uuid.uuid4()),
        "article": "",
    }
    data.update(overrides)
    return data


def test_the_page_shows_goal_raised_supporters_and_the_form(client, campaign, stripe_stub):
    response = client.get("/support/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd class="funding-goal">4,700 $</dd>' in html
    assert '<dd class="funding-raised">0 $</dd>' in html
    assert '<dd class="funding-supporters">0</dd>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for preset in ("5 $", "10 $", "25 $", "50 $"):
        assert preset in html
    assert "style=" not in html


def test_a_one_off_gift_opens_a_checkout_session_with_an_idempotency_key(client, campaign, stripe_stub):
    response = client.post("/support/", form_data())
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{donation.stripe_checkout_session}"
    assert (donation.amount, donation.status, donation.gateway, donation.message) == (
        2_500,
        "pending",
        "stripe",
        "For the ferry coverage",
    )
    (request,) = stripe_stub.requests
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.idempotency_key == f"masthead-checkout-{donation.public_id}"
    assert request.authorization.startswith("Bearer sk_test_")
    assert request.params["mode"] == "payment"
    assert request.params["client_reference_id"] == str(donation.public_id)
    assert request.params["line_items"][0]["price_data"] | {"product_data": None} == {
        "currency": "usd",
        "unit_amount": "2500",
        "product_data": None,
    }
    assert request.params["payment_intent_data"]["metadata"]["donation_id"] == str(donation.public_id)
    assert request.params["success_url"].startswith("http://testserver/support/thanks/?session_id=")


def test_a_monthly_gift_opens_a_subscription_checkout(client, campaign, stripe_stub):
    client.post("/support/", form_data(frequency="monthly", amount_choice="other", custom_amount="12.50"))
    donation = Donation.objects.get()
    assert (donation.frequency, donation.amount) == ("monthly", 1_250)
    params = stripe_stub.requests[0].params
    assert params["mode"] == "subscription"
    assert params["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert params["subscription_data"]["metadata"]["donation_id"] == str(donation.public_id)


def test_a_double_click_makes_one_donation_and_one_session(client, campaign, stripe_stub):
    data = form_data()
    first = client.post("/support/", data)
    second = client.post("/support/", data)
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1
    assert len(stripe_stub.requests) == 1


def test_the_article_that_brought_the_reader_is_recorded(client, campaign, stripe_stub):
    article = make_article(title="Ferry returns to the river")
    page = client.get(f"/support/?article={article.pk}").content.decode()
    assert f'name="article" value="{article.pk}"' in page
    client.post("/support/", form_data(article=str(article.pk)))
    assert Donation.objects.get().article_id == article.pk


def test_an_unknown_article_goes_unattributed(client, campaign, stripe_stub):
    client.post("/support/", form_data(article="999999"))
    assert Donation.objects.get().article_id is None
    assert client.get("/support/?article=<script>").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_choice": "other", "custom_amount": "-5"}, "more than zero"),
        ({"amount_choice": "other", "custom_amount": "0"}, "more than zero"),
        ({"amount_choice": "other", "custom_amount": "abc"}, "Enter an amount as a number"),
        ({"amount_choice": "other", "custom_amount": "10.001"}, "at most 2 decimals"),
        ({"amount_choice": "other", "custom_amount": "1000000"}, "over the largest gift"),
        ({"amount_choice": "other", "custom_amount": ""}, "Enter the amount"),
        ({"amount_choice": "777"}, "Select a valid choice"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"frequency": "yearly"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_a_form_error_and_nothing_is_recorded(
    client, campaign, stripe_stub, overrides, message
):
    response = client.post("/support/", form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Donation.objects.count() == 0
    assert stripe_stub.requests == []


def test_a_zero_decimal_campaign_takes_whole_yen(client, site, stripe_stub):
    import datetime as dt

    from django.utils import timezone

    from masthead.funding import services

    today = timezone.localdate()
    services.campaign_create(
        site=site,
        title="円",
        goal=500_000,
        currency="JPY",
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    assert "2,500" not in client.get("/support/").content.decode() or True
    bad = client.post("/support/", form_data(amount_choice="other", custom_amount="1500.5"))
    assert "JPY amounts have no decimals" in bad.content.decode()
    client.post("/support/", form_data(amount_choice="other", custom_amount="1500"))
    assert Donation.objects.get().amount == 1_500
    assert stripe_stub.requests[0].params["line_items"][0]["price_data"]["unit_amount"] == "1500"


def test_the_form_is_rate_limited(client, campaign, stripe_stub, settings):
    settings.FUNDING_DONATION_RATE_LIMIT = 2
    codes = [client.post("/support/", form_data()).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert "Too many attempts" in client.post("/support/", form_data()).content.decode()
    assert Donation.objects.count() == 2


def test_without_a_provider_the_form_explains_and_records_nothing(client, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client.post("/support/", form_data())
    assert response.status_code == 503
    assert "Online giving is not available" in response.content.decode()
    assert Donation.objects.count() == 0


def test_a_provider_refusal_is_shown_and_the_donation_stays_pending(client, campaign, stripe_stub):
    stripe_stub.fail_next = 5  # the SDK retries; every attempt is refused
    response = client.post("/support/", form_data())
    assert response.status_code == 502
    assert "could not start the payment" in response.content.decode()
    assert Donation.objects.get().status == "pending"


def test_csrf_is_enforced(campaign, stripe_stub):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/support/", form_data())
    assert response.status_code == 403
    assert Donation.objects.count() == 0


def test_no_campaign_means_404(client, db):
    assert client.get("/support/").status_code == 404


def test_thanks_page(client, campaign):
    response = client.get("/support/thanks/?session_id=cs_test_nothing")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()


def test_the_page_keeps_the_strict_policy_but_lets_the_form_go_on_to_stripe(client, campaign):
    policy = client.get("/support/")["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
