"""Leaflet drops: the register within a radius on the British National Grid (exact distance
after an indexed bounding box), printable, as CSV and by API; done = an intervention."""

from __future__ import annotations

import csv
import io
import math

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.accounts.services import api_token_create
from nestguard.cases.models import Intervention
from nestguard.places.models import Address
from nestguard.places.selectors import nearby
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def at(de: int, dn: int, **kw):  # type: ignore[no-untyped-def]
    return AddressFactory(easting=402_000 + de, northing=397_000 + dn, **kw)


def test_inside_the_circle_not_the_box_corners(personas, home):  # type: ignore[no-untyped-def]
    on_edge = at(150, 0, line1="150 East")
    at(106, 107, line1="Corner outside")  # 150.6 m: inside the box, outside the circle
    inside = at(-100, 100, line1="141 m")
    at(0, 151, line1="Too far")
    at(0, 0, line1="Next door", in_register=False)  # typed on a referral: not in the register
    rows = nearby(home.address, 150)
    assert [(r.address, round(r.metres)) for r in rows] == [(inside, 141), (on_edge, 150)]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.lists(
        st.tuples(st.integers(-400, 400), st.integers(-400, 400)), min_size=1, max_size=25
    ),
    radius=st.integers(1, 400),
)
def test_nearby_is_the_brute_force_answer(personas, home, points, radius):  # type: ignore[no-untyped-def]
    Address.objects.exclude(pk=home.address.pk).delete()
    made = [at(de, dn) for de, dn in points]
    expected = {
        a.pk for a, (de, dn) in zip(made, points, strict=True) if math.hypot(de, dn) <= radius
    }
    assert {r.address.pk for r in nearby(home.address, radius)} == expected


def test_the_page_the_csv_and_marking_done(personas, home, client_for):  # type: ignore[no-untyped-def]
    at(10, 10, line1="=HYPERLINK(1)")
    at(20, 20, line1="2 Quiet Lane")
    client = client_for("owner")
    page = client.get(reverse("places:nearby", args=[home.address.pk]))
    assert "2 addresses within 150 m" in page.content.decode()
    bad = client.get(reverse("places:nearby", args=[home.address.pk]), {"radius": "5000"})
    assert "Enter a radius from 1 to 1000 metres" in bad.content.decode()
    response = client.get(reverse("places:nearby_csv", args=[home.address.pk]), {"radius": "50"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["uprn", "address_line1", "address_line2", "town", "postcode", "metres"]
    assert rows[1][1] == "'=HYPERLINK(1)"  # not run as a formula by a spreadsheet
    done = client.post(
        reverse("places:leaflet_done", args=[home.address.pk]) + "?radius=150",
        {"case": str(home.case.pk)},
    )
    assert done.status_code == 302
    intervention = Intervention.objects.get(case=home.case, type="leaflet_drop")
    assert intervention.status == "completed" and "2 addresses within 150 m" in intervention.notes


def test_the_api_lists_with_a_default_radius(personas, home):  # type: ignore[no-untyped-def]
    at(30, 40, uprn="770000000050")
    token = api_token_create(actor=None, user=personas.partner)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get("/api/v1/addresses/770000000001/nearby/").json()
    assert (body["radius"], body["count"]) == (150, 1)
    assert body["results"][0]["uprn"] == "770000000050" and body["results"][0]["metres"] == 50
    for bad in ("0", "1001", "abc", "-1", "1.5"):
        response = client.get("/api/v1/addresses/770000000001/nearby/", {"radius": bad})
        assert response.status_code == 400 and list(response.json()) == ["radius"]
    assert client.get("/api/v1/addresses/999/nearby/").status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_radius_query_count_does_not_grow(personas, home, django_assert_max_num_queries, count):  # type: ignore[no-untyped-def]
    for n in range(count):
        at(n, n)
    with django_assert_max_num_queries(1):
        assert len(nearby(home.address, 150)) == count
