"""The editors' side: who may see and do what, offline gifts through the admin, reports and CSV."""

import csv
import io

import pytest

from masthead.funding.models import Campaign, Donation, FundingEvent, LedgerEntry
from tests.funding.factories import offline_gift, paid_donation
from tests.publishing.factories import make_article

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/funding_campaigns/",
    "/admin/funding_donations/",
    "/admin/funding_ledger/",
    "/admin/funding_events/",
    "/admin/funding/offline-gift/",
    "/admin/funding/offline-refund/",
    "/admin/funding/reports/",
]


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, campaign, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["reader", "commenter"])
@pytest.mark.parametrize("url", PAGES)
def test_readers_cannot_reach_the_funding_admin(client, campaign, request, persona, url):
    response = login(client, request.getfixturevalue(persona)).get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_moderators_cannot_see_money(client, campaign, moderator, url):
    response = login(client, moderator).get(url)
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("persona", ["editor", "admin_user"])
@pytest.mark.parametrize("url", PAGES)
def test_editors_and_admins_see_every_funding_page(client, campaign, request, persona, url):
    offline_gift(campaign, amount=4_000, name="Ola")
    response = login(client, request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/admin/funding_donations/new/", "/admin/funding_ledger/new/"])
def test_nobody_adds_money_records_by_hand(client, campaign, admin_user, url):
    assert login(client, admin_user).get(url).status_code in (302, 403)


def test_ledger_entries_cannot_be_edited_or_deleted_in_the_admin(client, campaign, admin_user):
    _, entry = offline_gift(campaign, amount=4_000)
    login(client, admin_user)
    for url in (f"/admin/funding_ledger/edit/{entry.pk}/", f"/admin/funding_ledger/delete/{entry.pk}/"):
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"amount": "1"}).status_code in (302, 403)
    assert LedgerEntry.objects.get().amount == 4_000


def test_an_editor_records_an_offline_gift_and_it_is_audited(client, campaign, editor):
    article = make_article(title="The lighthouse keeper retires")
    login(client, editor)
    form = client.get("/admin/funding/offline-gift/")
    assert form.status_code == 200
    response = client.post(
        "/admin/funding/offline-gift/",
        {
            "campaign": campaign.pk,
            "amount": "120.50",
            "method": "cheque",
            "reference": "CHQ-0091",
            "name": "Ines Vale",
            "listed": "on",
            "message": "<b>For</b> the lighthouse story",
            "article": article.pk,
            "note": "Posted to the office",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.external_id, entry.recorded_by) == (
        "offline_gift",
        12_050,
        "cheque:CHQ-0091",
        editor,
    )
    donation = entry.donation
    assert (donation.article_id, donation.message, donation.offline_method) == (
        article.pk,
        "For the lighthouse story",
        "cheque",
    )
    event = FundingEvent.objects.get(action="ledger.offline_gift")
    assert (event.actor, event.data["amount"]) == (editor, 12_050)


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("12.345", "at most 2 decimals"),
        ("lots", "Enter an amount"),
        ("99999999", "over the largest gift"),
    ],
)
def test_bad_offline_amounts_are_form_errors(client, campaign, editor, amount, error):
    response = login(client, editor).post(
        "/admin/funding/offline-gift/", {"campaign": campaign.pk, "amount": amount, "method": "cash"}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def test_an_editor_refunds_part_of_an_offline_gift_then_cannot_refund_more_than_is_left(
    client, campaign, editor
):
    from masthead.funding import selectors

    _, gift = offline_gift(campaign, amount=10_000, reference="BT-9")
    login(client, editor)
    response = client.post(
        "/admin/funding/offline-refund/", {"gift": gift.pk, "amount": "40", "reason": "Donor overpaid"}
    )
    assert response.status_code == 302
    refund = LedgerEntry.objects.get(kind="refund")
    assert (refund.amount, refund.recorded_by) == (-4_000, editor)
    assert FundingEvent.objects.get(action="ledger.refund").reason == "Donor overpaid"
    too_much = client.post(
        "/admin/funding/offline-refund/", {"gift": gift.pk, "amount": "60.01", "reason": "x"}
    )
    assert "cannot be larger than the payment" in too_much.content.decode()
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == 6_000
    client.post(
        "/admin/funding/offline-refund/", {"gift": gift.pk, "amount": "60", "reason": "Returned in full"}
    )
    assert selectors.campaign_totals_uncached(campaign=campaign).raised == 0
    assert Donation.objects.get().status == "refunded"


def test_a_bank_reference_entered_twice_is_a_form_error(client, campaign, editor):
    login(client, editor)
    data = {"campaign": campaign.pk, "amount": "50", "method": "bank_transfer", "reference": "BT-42"}
    assert client.post("/admin/funding/offline-gift/", data).status_code == 302
    again = client.post("/admin/funding/offline-gift/", data)
    assert "already recorded" in again.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_editing_a_campaign_goal_is_audited(client, campaign, editor):
    login(client, editor)
    response = client.post(
        f"/admin/funding_campaigns/edit/{campaign.pk}/",
        {
            "site": campaign.site_id,
            "title": campaign.title,
            "description": "",
            "goal": 500_000,
            "currency": "USD",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "recurrence": "none",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Campaign.objects.get().goal == 500_000
    event = FundingEvent.objects.filter(action="campaign.changed").get()
    assert (event.actor, event.data) == (editor, {"changed": ["goal"], "goal": 500_000})


def test_a_campaign_with_gifts_cannot_change_currency(client, campaign, editor):
    offline_gift(campaign, amount=1_000)
    response = login(client, editor).post(
        f"/admin/funding_campaigns/edit/{campaign.pk}/",
        {
            "site": campaign.site_id,
            "title": campaign.title,
            "description": "",
            "goal": campaign.goal,
            "currency": "EUR",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "recurrence": "none",
        },
    )
    assert response.status_code == 200
    assert "already recorded in this campaign" in response.content.decode()
    assert Campaign.objects.get().currency == "USD"


def test_an_editor_creates_a_campaign_and_it_is_audited(client, site, editor):
    response = login(client, editor).post(
        "/admin/funding_campaigns/new/",
        {
            "site": site.pk,
            "title": "Winter appeal",
            "description": "",
            "goal": 300_000,
            "currency": "EUR",
            "starts_on": "2026-12-01",
            "ends_on": "2027-01-01",
            "recurrence": "monthly",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.title, campaign.currency, campaign.recurrence) == ("Winter appeal", "EUR", "monthly")
    assert FundingEvent.objects.get(action="campaign.created").actor == editor


def test_reports_by_campaign_day_and_article_with_csv(client, campaign, editor):
    article = make_article(title="Ferry timetable restored")
    paid_donation(campaign, amount=10_000, payment_intent="pi_rep", article=article)
    offline_gift(campaign, amount=5_000)
    login(client, editor)
    by_article = client.get("/admin/funding/reports/?by=article")
    html = by_article.content.decode()
    assert "Ferry timetable restored" in html and "(none)" in html
    response = client.get(f"/admin/funding/reports/?by=article&campaign={campaign.pk}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "article",
        "currency",
        "gifts",
        "gross_minor",
        "refunded_minor",
        "disputed_minor",
        "fees_minor",
        "raised_minor",
    ]
    assert sorted(rows[1:]) == [
        ["(none)", "USD", "1", "5000", "0", "0", "0", "5000"],
        ["Ferry timetable restored", "USD", "1", "10000", "0", "0", "0", "10000"],
    ]
    by_day = list(
        csv.reader(io.StringIO(client.get("/admin/funding/reports/?by=day&format=csv").content.decode()))
    )
    assert by_day[1][2:] == ["2", "15000", "0", "0", "0", "15000"]
    by_campaign = list(
        csv.reader(io.StringIO(client.get("/admin/funding/reports/?format=csv").content.decode()))
    )
    assert by_campaign[1][0] == campaign.title


def test_csv_cells_cannot_become_spreadsheet_formulas(client, campaign, editor):
    article = make_article(title='=HYPERLINK("http://evil")')
    paid_donation(campaign, amount=1_000, payment_intent="pi_f", article=article)
    rows = list(
        csv.reader(
            io.StringIO(
                login(client, editor).get("/admin/funding/reports/?by=article&format=csv").content.decode()
            )
        )
    )
    assert rows[1][0].startswith("'=")


def test_the_donation_list_exports_csv(client, campaign, editor):
    offline_gift(campaign, amount=5_000, name="Ola Berg")
    response = login(client, editor).get("/admin/funding_donations/?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "Ola Berg" in text and "5000" in text


def test_the_donation_list_query_count_does_not_grow_with_rows(
    client, campaign, editor, django_assert_max_num_queries
):
    login(client, editor)
    for number in range(3):
        offline_gift(campaign, amount=1_000 + number)
    client.get("/admin/funding_donations/")
    with django_assert_max_num_queries(40) as few:
        client.get("/admin/funding_donations/")
    small = len(few.captured_queries)
    for number in range(12):
        offline_gift(campaign, amount=2_000 + number)
    with django_assert_max_num_queries(small) as many:
        client.get("/admin/funding_donations/")
    assert len(many.captured_queries) <= small
    assert Donation.objects.count() == 15
