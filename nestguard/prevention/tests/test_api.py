"""POST /api/v1/housing-signals/ and GET /api/v1/prevention-list/."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import Personas
from nestguard.accounts.models import User
from nestguard.prevention.models import HousingSignal, SignalBatch
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import MONDAY, Housing, qualifying_lines, token_client

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)

SIGNALS = reverse("api:housing_signals")
LIST = reverse("api:prevention_list")


def post(user: User, body: Any) -> Any:
    return token_client(user).post(SIGNALS, body, content_type="application/json")


def signal(uprn: str, **more: Any) -> dict[str, Any]:
    return {"uprn": uprn, "signal": "key_or_fob_request", "observed_on": "2026-11-27", **more}


def test_one_signal_is_received_for_the_token_s_agency(housing: Housing) -> None:
    response = post(housing.caseworker, signal(housing.homes[0].uprn, notes="Third fob"))
    assert response.status_code == 201, response.json()
    assert response.json()["received"] == 1
    stored = HousingSignal.objects.get()
    assert (stored.agency, stored.notes, stored.batch.via) == (housing.council, "Third fob", "api")
    assert str(stored.batch_id) == response.json()["batch"]


def test_a_list_is_received_whole(housing: Housing) -> None:
    uprn = housing.homes[0].uprn
    body = [signal(uprn), {**signal(uprn), "signal": "rent_arrears", "amount": "250.00"}]
    response = post(housing.supervisor, body)
    assert response.status_code == 201
    assert HousingSignal.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"signal": "rent_arrears", "observed_on": "2026-11-01"}, {"uprn"}),
        (signal("999999999999"), {"uprn"}),
        (signal("550000000001", signal="boiler"), {"signal"}),
        (signal("550000000001", observed_on="2026-12-25"), {"observed_on"}),
        (signal("550000000001", observed_on="27/11/2026"), {"observed_on"}),
        (signal("550000000001", signal="rent_arrears", amount="-1"), {"amount"}),
        (signal("550000000001", signal="rent_arrears", amount="1.005"), {"amount"}),
        (signal("550000000001", amount="10"), {"amount"}),
        (signal("550000000001", notes="x" * 1001), {"notes"}),
        ('"not an object"', {"non_field_errors"}),
        ("{not json", {"detail"}),
    ],
)
def test_bad_input_answers_400_with_field_errors_and_writes_nothing(
    housing: Housing, body: Any, errors: set[str]
) -> None:
    response = post(housing.caseworker, body)
    assert response.status_code == 400
    assert set(response.json()) == errors
    assert not HousingSignal.objects.exists() and not SignalBatch.objects.exists()


def test_a_bad_item_in_a_list_is_reported_at_its_index_and_nothing_is_written(
    housing: Housing,
) -> None:
    uprn = housing.homes[0].uprn
    response = post(housing.caseworker, [signal(uprn), signal("42"), signal(uprn)])
    assert response.status_code == 400
    assert response.json() == [
        {},
        {"uprn": ["No address in the register has UPRN 42"]},
        {},
    ]
    assert not HousingSignal.objects.exists()
    too_many = post(housing.caseworker, [signal(uprn)] * 501)
    assert too_many.status_code == 400 and "non_field_errors" in too_many.json()


@pytest.mark.parametrize("name", ["partner", "owner", "referrer", "auditor", "admin"])
def test_only_housing_caseworkers_send(housing: Housing, personas: Personas, name: str) -> None:
    response = post(getattr(personas, name), signal(housing.homes[0].uprn))
    assert response.status_code == 403
    assert post(housing.referrer, signal(housing.homes[0].uprn)).status_code == 403
    assert not HousingSignal.objects.exists()


def test_the_list_shows_each_entry_with_its_signals(housing: Housing) -> None:
    housing.send(qualifying_lines(housing.homes[0].uprn))
    housing.listed()
    response = token_client(housing.caseworker).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert entry["uprn"] == housing.homes[0].uprn
    assert entry["week_start"] == MONDAY.isoformat()
    assert entry["score"] == 6 and entry["closed"] is False
    assert [s["signal"] for s in entry["signals"]] == [
        "visitor_complaint",
        "key_or_fob_request",
        "key_or_fob_request",
    ]
    assert token_client(housing.caseworker).get(LIST + "?week=2026-11-23").json()["count"] == 0
    assert token_client(housing.caseworker).get(LIST + "?week=2026-12-02").json()["count"] == 1
    assert token_client(housing.caseworker).get(LIST + "?week=soon").status_code == 400
