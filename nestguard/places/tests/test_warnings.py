"""Warning markers: who may place them, their dates at the edges, reviews that fall due
(the clock) and markers that lapse visibly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.core.clocks import due_items
from nestguard.places.models import WarningMarker
from nestguard.places.policy import places_rules
from nestguard.places.services.warnings import warning_review, warning_withdraw
from nestguard.places.tests.conftest import days, place_marker

pytestmark = pytest.mark.django_db


def test_lead_and_partner_caseworkers_place_markers(personas, home):  # type: ignore[no-untyped-def]
    marker = place_marker(personas.partner, home.address)
    assert marker.owner_agency == personas.police and marker.case == home.case
    event = AuditEvent.objects.get(action="warning.place")
    assert event.actor == personas.partner and event.details["level"] == "high"


@pytest.mark.parametrize("name", ["outsider", "referrer", "auditor", "admin"])
def test_anyone_else_is_refused(personas, home, name):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        place_marker(getattr(personas, name), home.address)
    assert not WarningMarker.objects.exists()


MAX_REVIEW = places_rules().warning_marker.max_review_days
MAX_LIFE = places_rules().warning_marker.max_life_days


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"level": "none"}, "level"),  # "none" is an answer, not a level one can place
        ({"level": 3}, "level"),
        ({"advice": ""}, "advice"),
        ({"advice": "x" * 1001}, "advice"),
        ({"advice": "a\x00b"}, "advice"),
        ({"contact": None}, "contact"),
        ({"contact": "x" * 301}, "contact"),
        ({"review_on": None}, "review_on"),
        ({"review_on": "2027-01-01"}, "review_on"),
        # Days from today, worked out when the test runs: a date taken when the tests are
        # collected is a day nearer once the run has crossed midnight (a review one day past
        # the longest allowed becomes the longest, and is accepted).
        ({"review_on": lambda: days(0)}, "review_on"),
        (
            {"review_on": lambda: days(MAX_REVIEW + 1), "expires_on": lambda: days(MAX_REVIEW + 2)},
            "review_on",
        ),
        ({"expires_on": lambda: days(0)}, "expires_on"),
        ({"expires_on": lambda: days(MAX_LIFE + 1)}, "expires_on"),
        ({"review_on": lambda: days(40), "expires_on": lambda: days(39)}, "review_on"),
    ],
)
def test_bad_markers_are_refused_with_the_field(personas, home, overrides, field):  # type: ignore[no-untyped-def]
    overrides = {name: v() if callable(v) else v for name, v in overrides.items()}
    with pytest.raises(ValidationError) as caught:
        place_marker(personas.owner, home.address, **overrides)
    assert field in caught.value.message_dict
    assert not WarningMarker.objects.exists()


def test_dates_at_their_edges_are_accepted(personas, home):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address, review_on=days(1), expires_on=days(1))
    place_marker(
        personas.owner, home.address, review_on=days(MAX_REVIEW), expires_on=days(MAX_LIFE)
    )
    assert WarningMarker.objects.count() == 2


def test_review_moves_the_dates_and_is_audited(personas, home):  # type: ignore[no-untyped-def]
    marker = place_marker(personas.owner, home.address)
    warning_review(
        actor=personas.supervisor, marker=marker, review_on=days(60), expires_on=days(120)
    )
    marker.refresh_from_db()
    assert (marker.review_on, marker.expires_on) == (days(60), days(120))
    assert AuditEvent.objects.get(action="warning.review").details["to"]["review_on"] == str(
        days(60)
    )
    with pytest.raises(PermissionDenied):
        warning_review(
            actor=personas.outsider, marker=marker, review_on=days(5), expires_on=days(9)
        )


def test_withdrawn_needs_a_reason_and_cannot_be_reviewed(personas, home):  # type: ignore[no-untyped-def]
    marker = place_marker(personas.owner, home.address)
    with pytest.raises(ValidationError) as caught:
        warning_withdraw(actor=personas.owner, marker=marker, reason="  ")
    assert "reason" in caught.value.message_dict
    warning_withdraw(actor=personas.partner, marker=marker, reason="Family moved away")
    with pytest.raises(ValidationError):
        warning_review(actor=personas.owner, marker=marker, review_on=days(5), expires_on=days(9))


def test_reviews_come_due_on_the_clock_and_lapsed_markers_leave_it(personas, home):  # type: ignore[no-untyped-def]
    soon = places_rules().warning_marker.review_due_soon_days
    due = place_marker(personas.owner, home.address, review_on=days(soon), expires_on=days(200))
    place_marker(personas.owner, home.address, review_on=days(soon + 1), expires_on=days(200))
    overdue = place_marker(personas.owner, home.address)
    WarningMarker.objects.filter(pk=overdue.pk).update(review_on=days(-3))
    lapsed = place_marker(personas.owner, home.address)
    WarningMarker.objects.filter(pk=lapsed.pk).update(review_on=days(-9), expires_on=days(-1))
    mine = [i for i in due_items(personas.owner) if i.source == "warning_review"]
    assert [i.url for i in mine] == [
        reverse("places:warning_review", args=[overdue.pk]),
        reverse("places:warning_review", args=[due.pk]),
    ]
    assert mine[0].is_overdue() and not mine[1].is_overdue()
    # The owning agency's team sees them; another agency does not.
    assert (
        len([i for i in due_items(personas.supervisor, team=True) if i.source == "warning_review"])
        == 2
    )
    assert not [i for i in due_items(personas.partner, team=True) if i.source == "warning_review"]


def test_the_due_view_keeps_the_most_urgent_reviews_of_a_source(personas, home):  # type: ignore[no-untyped-def]
    """The warning reviews are not limited by their source: the view keeps the first
    `per_source` of them, most urgent first, so that the page does not grow with the borough
    (decision 0094)."""
    soon = places_rules().warning_marker.review_due_soon_days
    for ahead in (soon, soon - 1, soon - 2):
        place_marker(personas.owner, home.address, review_on=days(ahead), expires_on=days(200))
    kept = [i for i in due_items(personas.owner, per_source=2) if i.source == "warning_review"]
    assert [i.due_at.date() for i in kept] == [days(soon - 2), days(soon - 1)]


def test_the_address_page_shows_markers_and_lapsed_ones_as_lapsed(personas, home, client_for):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address, advice="Current advice")
    old = place_marker(personas.owner, home.address, advice="Old advice")
    WarningMarker.objects.filter(pk=old.pk).update(review_on=days(-9), expires_on=days(-1))
    page = (
        client_for("partner").get(reverse("places:detail", args=[home.address.pk])).content.decode()
    )
    assert "Current advice" in page and "Old advice" in page
    assert "Lapsed</strong>" in page and "In force</strong>" in page


def test_the_page_form_places_a_marker_and_shows_errors(personas, home, client_for):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    url = reverse("places:warning_add", args=[home.address.pk])
    bad = client.post(url, {"category": "violence"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert not WarningMarker.objects.exists()
    review, expiry = days(30), days(60)
    good = client.post(
        url,
        {
            "category": "dogs", "level": "low", "advice": "Ask for dogs to be shut away",
            "contact": "Hub, 01632 960 000",
            "review_on_day": review.day, "review_on_month": review.month,
            "review_on_year": review.year,
            "expires_on_day": expiry.day, "expires_on_month": expiry.month,
            "expires_on_year": expiry.year,
        },
    )  # fmt: skip
    assert good.status_code == 302
    assert WarningMarker.objects.get().level == "low"


def test_api_places_a_marker_and_answers_400_with_field_errors(personas, home):  # type: ignore[no-untyped-def]
    token = api_token_create(actor=None, user=personas.partner)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = "/api/v1/addresses/770000000001/warnings/"
    body = {
        "category": "weapons", "level": "medium", "advice": "Police attend with you",
        "contact": "Northbrook Police, 101", "review_on": str(days(20)),
        "expires_on": str(days(40)),
    }  # fmt: skip
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["owner_agency"] == personas.police.name
    assert created.json()["case"] == home.case.reference
    bad = client.post(url, {**body, "expires_on": str(days(-1))}, content_type="application/json")
    assert bad.status_code == 400 and "expires_on" in bad.json()
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400 and {"category", "level", "advice"} <= set(missing.json())
    wrong_case = client.post(
        url,
        {**body, "case_id": "00000000-0000-4000-8000-000000000000"},
        content_type="application/json",
    )
    assert wrong_case.status_code == 400 and "case_id" in wrong_case.json()
    assert (
        client.post(
            "/api/v1/addresses/1/warnings/", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert WarningMarker.objects.count() == 1
    assert timezone.localdate() + timedelta(days=20) == WarningMarker.objects.get().review_on


def test_review_and_withdraw_pages(personas, home, client_for):  # type: ignore[no-untyped-def]
    marker = place_marker(personas.owner, home.address)
    client = client_for("partner")  # an agency on the marker's case
    review_url = reverse("places:warning_review", args=[marker.pk])
    page = client.get(review_url)
    assert "Review a warning marker" in page.content.decode()
    review, expiry = days(45), days(100)
    bad = client.post(review_url, {"advice": ""})
    assert "govuk-error-summary" in bad.content.decode()
    done = client.post(
        review_url,
        {
            "advice": "New advice",
            "review_on_day": review.day, "review_on_month": review.month,
            "review_on_year": review.year,
            "expires_on_day": expiry.day, "expires_on_month": expiry.month,
            "expires_on_year": expiry.year,
        },
    )  # fmt: skip
    assert done.status_code == 302
    marker.refresh_from_db()
    assert (marker.advice, marker.review_on, marker.expires_on) == ("New advice", review, expiry)
    withdraw_url = reverse("places:warning_withdraw", args=[marker.pk])
    assert "govuk-error-summary" in client.post(withdraw_url, {}).content.decode()
    assert client.post(withdraw_url, {"reason": "Moved out"}).status_code == 302
    marker.refresh_from_db()
    assert marker.state == "withdrawn"
    address_page = client.get(reverse("places:detail", args=[home.address.pk])).content.decode()
    assert "Withdrawn</strong>" in address_page and review_url not in address_page
