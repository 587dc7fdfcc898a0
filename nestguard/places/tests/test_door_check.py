"""'Is there a risk behind this door?': the level, the advice and whom to contact, in the
same shape with or without a warning, never the reasons or people; every check audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.places.models import WarningMarker
from nestguard.places.selectors import NO_WARNING_ADVICE
from nestguard.places.services.warnings import warning_withdraw
from nestguard.places.tests.conftest import place_marker
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/addresses/door-check/"
POSTCODE_INVALID = "Enter a full UK postcode, like NB1 2AB"
CONTROL = "House number or name must not contain control characters"
TOO_LONG = "Enter the house number or name in 100 characters or fewer"


def ask(user, **params):  # type: ignore[no-untyped-def]
    token = api_token_create(actor=None, user=user)[1]
    return Client().get(URL, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_address_with_a_warning_answers_level_advice_contact_only(personas, home):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address)
    response = ask(personas.referrer, uprn="770000000001")
    assert response.status_code == 200
    assert response.json() == {
        "level": "high",
        "advice": "Do not visit alone; call ahead.",
        "contact": "Northbrook Police neighbourhood team, 101",
    }
    body = response.content.decode()
    for secret in ("violence", home.case.reference, "Okafor", "Jay", str(home.address.pk)):
        assert secret not in body


def test_no_warning_has_the_same_shape(personas, home):  # type: ignore[no-untyped-def]
    for params in (
        {"uprn": "770000000001"},
        {"uprn": "999"},
        {"postcode": "NB9 9ZZ", "number": "1"},
    ):
        body = ask(personas.referrer, **params).json()
        assert body == {"level": "none", "advice": NO_WARNING_ADVICE, "contact": ""}


def test_the_highest_level_in_force_answers(personas, home):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address, level="low", advice="Low advice")
    place_marker(personas.partner, home.address, level="medium", advice="Medium advice")
    assert ask(personas.referrer, uprn="770000000001").json()["advice"] == "Medium advice"


def test_lapsed_and_withdrawn_markers_no_longer_answer(personas, home):  # type: ignore[no-untyped-def]
    marker = place_marker(personas.owner, home.address)
    # Lapsed: its expiry has passed (set directly: the service refuses a past expiry).
    WarningMarker.objects.filter(pk=marker.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1),
        review_on=timezone.localdate() - timedelta(days=2),
    )
    assert ask(personas.referrer, uprn="770000000001").json()["level"] == "none"
    # Expiring today still answers (the last day is included).
    WarningMarker.objects.filter(pk=marker.pk).update(expires_on=timezone.localdate())
    assert ask(personas.referrer, uprn="770000000001").json()["level"] == "high"
    marker.refresh_from_db()
    warning_withdraw(actor=personas.owner, marker=marker, reason="Tenant moved out")
    assert ask(personas.referrer, uprn="770000000001").json()["level"] == "none"


@pytest.mark.parametrize(
    "number", ["Flat 3, 14 Canal Street", "flat 3 14", "3/14", "14", "Flat 3, 14 Canal St"]
)
def test_postcode_and_house_find_the_door(personas, home, number):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address)
    assert ask(personas.referrer, postcode="nb1 2ab", number=number).json()["level"] == "high"


def test_a_block_number_answers_for_its_flats_and_a_neighbour_does_not(personas, home):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address)
    AddressFactory(line1="Flat 4, 14 Canal Street")
    AddressFactory(line1="16 Canal Street")
    assert ask(personas.referrer, postcode="NB1 2AB", number="Flat 4, 14").json()["level"] == "none"
    assert ask(personas.referrer, postcode="NB1 2AB", number="16").json()["level"] == "none"
    assert ask(personas.referrer, postcode="NB1 2AB", number="114").json()["level"] == "none"


def test_every_check_is_audited(personas, home):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address)
    ask(personas.referrer, uprn="770000000001")
    ask(personas.auditor, postcode="NB9 9ZZ", number="2")
    events = list(AuditEvent.objects.filter(action="address.door_check").order_by("id"))
    assert [(e.actor, e.details["level"], e.details["matched"]) for e in events] == [
        (personas.referrer, "high", 1),
        (personas.auditor, "none", 0),
    ]
    assert events[0].object_id == str(home.address.pk)
    assert events[1].details["postcode"] == "NB9 9ZZ" and events[1].details["number"] == "2"


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"uprn": ["Enter a UPRN, or a postcode and a house number or name"]}),
        ({"uprn": "abc"}, {"uprn": ["A UPRN is 1 to 12 digits, like 770000000001"]}),
        ({"uprn": "1" * 13}, {"uprn": ["A UPRN is 1 to 12 digits, like 770000000001"]}),
        ({"uprn": "١٢٣"}, {"uprn": ["A UPRN is 1 to 12 digits, like 770000000001"]}),
        ({"postcode": "NB1 2AB"}, {"number": ["Enter the house number or name"]}),
        ({"number": "14"}, {"postcode": ["Enter a postcode"]}),
        ({"postcode": "<b>", "number": "1"}, {"postcode": [POSTCODE_INVALID]}),
        ({"postcode": "NB1 2AB", "number": "1\x00"}, {"number": [CONTROL]}),
        ({"postcode": "NB1 2AB", "number": "x" * 101}, {"number": [TOO_LONG]}),
    ],
)  # fmt: skip
def test_bad_questions_are_400_and_not_audited(personas, params, errors):  # type: ignore[no-untyped-def]
    response = ask(personas.referrer, **params)
    assert response.status_code == 400
    assert response.json() == errors
    assert not AuditEvent.objects.filter(action="address.door_check").exists()


def test_without_a_token_401() -> None:
    assert Client().get(URL, {"uprn": "1"}).status_code == 401


def test_the_page_answers_any_signed_in_user_the_same(personas, home, client_for):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address)
    response = client_for("referrer").get(reverse("places:door_check"), {"uprn": "770000000001"})
    page = response.content.decode()
    assert "Warning level: High" in page
    assert "Do not visit alone; call ahead." in page
    assert "Violence" not in page and home.case.reference not in page and "Okafor" not in page
    empty = client_for("referrer").get(reverse("places:door_check"), {"uprn": "1"})
    assert "Warning level: No warning" in empty.content.decode()
    bad = client_for("referrer").get(reverse("places:door_check"), {"postcode": "NB1"})
    assert "govuk-error-summary" in bad.content.decode()
    assert AuditEvent.objects.filter(action="address.door_check").count() == 2


def test_advice_is_escaped_on_the_page(personas, home, client_for):  # type: ignore[no-untyped-def]
    place_marker(personas.owner, home.address, advice="<script>alert(1)</script>")
    page = client_for("referrer").get(reverse("places:door_check"), {"uprn": "770000000001"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_door_check_queries_do_not_grow(personas, home, django_assert_max_num_queries, count):  # type: ignore[no-untyped-def]
    for n in range(count):
        place_marker(personas.owner, home.address, advice=f"Advice {n}")
        AddressFactory(line1=f"Flat {n + 10}, 14 Canal Street")
    token = api_token_create(actor=None, user=personas.referrer)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with django_assert_max_num_queries(9):
        client.get(URL, {"postcode": "NB1 2AB", "number": "14"})


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(uprn=st.text(max_size=20), postcode=st.text(max_size=12), number=st.text(max_size=12))
def test_any_question_is_answered_200_in_the_one_shape_or_400(personas, uprn, postcode, number):  # type: ignore[no-untyped-def]
    response = ask(personas.referrer, uprn=uprn, postcode=postcode, number=number)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert set(response.json()) == {"level", "advice", "contact"}
