"""Shared publishing fixtures: a small site tree built with the factories."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.publishing.factories import (
    make_article,
    make_author,
    make_home,
    make_image,
    make_section,
    paragraph,
)


@pytest.fixture
def site_tree(db) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Home, two sections, two authors, three articles (one with a map and a lead image, one corrected)."""
    now = timezone.now()
    home = make_home()
    politics = make_section(title="Politics", intro="Parliament, parties and power.")
    climate = make_section(title="Environment", intro="Rivers, coasts and the people who live by them.")
    ana = make_author(title="Ana Ruiz", role="Politics editor", bio="<p>Ana covers the assembly.</p>")
    tomas = make_author(
        title="Tomás Varga", role="Environment reporter", bio="<p>Tomás covers the delta.</p>"
    )
    photo = make_image(title="Assembly hall", credit="Photo: Lena Ortiz", licence="CC BY 4.0")
    map_image = make_image(
        title="Delta map", credit="Map: Test Desk", licence="CC BY-SA 4.0", width=900, height=600
    )
    budget = make_article(
        title="Assembly passes a budget after a night of talks",
        section=politics,
        authors=[ana, tomas],
        standfirst="The vote came at dawn, after the opposition won a fund for rural clinics.",
        dateline="LINDHAVEN",
        tags=["budget", "assembly"],
        lead_image=photo,
        lead_image_alt="Members of the assembly standing to vote",
        lead_image_caption="The final vote, shortly after 6 a.m.",
        published_at=now - timedelta(hours=5),
        corrections=["An earlier version gave the wrong size of the clinic fund."],
    )
    flood = make_article(
        title="Floodwater reaches the delta villages",
        section=climate,
        authors=[tomas],
        standfirst="Three villages were evacuated as the river rose overnight.",
        dateline="SARN DELTA",
        tags=["floods"],
        body=[
            paragraph("The river rose two metres in six hours."),
            ("heading", "Where the water went"),
            (
                "map",
                {
                    "image": map_image,
                    "caption": "Flooded areas on Tuesday",
                    "alt_text": "Map of the delta with flooded villages shaded",
                },
            ),
            ("quote", {"quote": "We left with what we could carry.", "attribution": "A resident of Varn"}),
            paragraph("Engineers expect the water to fall by the weekend."),
        ],
        published_at=now - timedelta(days=4),
    )
    older = make_article(
        title="Opposition names a new leader",
        section=politics,
        authors=[ana],
        standfirst="The party chose a former mayor in a close contest.",
        tags=["assembly"],
        published_at=now - timedelta(days=9),
    )
    return SimpleNamespace(
        home=home,
        sections=[politics, climate],
        politics=politics,
        climate=climate,
        authors=[ana, tomas],
        ana=ana,
        tomas=tomas,
        photo=photo,
        map_image=map_image,
        budget=budget,
        flood=flood,
        older=older,
        articles=[budget, flood, older],
    )
