"""Project costs (decision 0092): entered by a partnership manager through the one service,
audited; bad input is refused whole and writes nothing; the page's access as a truth table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import Personas, sign_in
from nestguard.accounts.models import User
from nestguard.audit.models import AuditEvent
from nestguard.reporting.models import ProjectCost
from nestguard.reporting.services.costs import project_cost_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/reports/project-costs/"
# Not the demo's project: these tests may run beside the package's seeded borough, whose
# partnership manager has entered that project's costs.
PROJECT = "Evaluation test project"


@pytest.fixture
def manager(personas: Personas) -> User:
    return UserFactory(username="manager", agency=personas.hub, roles=["partnership_manager"])


@pytest.fixture
def analyst(personas: Personas) -> User:
    return UserFactory(username="analyst", agency=personas.hub, roles=["analyst"])


def _record(actor: User, **changes: Any) -> ProjectCost:
    values: dict[str, Any] = {
        "project": PROJECT,
        "starts_on": date(2025, 4, 1),
        "ends_on": date(2026, 3, 31),
        "amount": "18,470.00",
        "description": "Officer post",
    }
    return project_cost_record(actor, **{**values, **changes})


def _written() -> tuple[int, int]:
    return ProjectCost.objects.count(), AuditEvent.objects.count()


def _refused(actor: User, **changes: Any) -> dict[str, list[str]]:
    before = _written()
    with pytest.raises(ValidationError) as caught:
        _record(actor, **changes)
    assert _written() == before
    return caught.value.message_dict


def test_a_manager_records_a_cost_exactly_and_it_is_audited(manager: User) -> None:
    cost = _record(manager, amount="£18,470.05")
    cost.refresh_from_db()
    assert cost.amount == Decimal("18470.05") and cost.entered_by == manager
    event = AuditEvent.objects.get(action="project_cost.record", object_id=str(cost.pk))
    assert event.actor_id == manager.pk and event.object_id == str(cost.pk)
    assert event.details["amount"] == "18470.05"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-1.00"}, "amount", "The amount must be more than £0"),
        ({"amount": "0"}, "amount", "The amount must be more than £0"),
        ({"amount": "12.345"}, "amount", "Enter the amount in pounds and pence, like 27705.50"),
        ({"amount": "lots"}, "amount", "Enter the amount in pounds, like 27705.00"),
        ({"amount": "NaN"}, "amount", "Enter the amount in pounds and pence, like 27705.50"),
        ({"amount": "20000000"}, "amount", "The amount must be £10,000,000.00 or less"),
        (
            {"ends_on": date(2025, 3, 31)},
            "ends_on",
            "The end date must be the same as or after the start date",
        ),
        ({"project": "  "}, "project", "Enter the project"),
        ({"starts_on": None}, "starts_on", "Enter the start date"),
        (
            {"description": "bad\x00text"},
            "description",
            "Description must not contain control characters",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    manager: User, changes: dict[str, Any], field: str, message: str
) -> None:
    assert _refused(manager, **changes)[field] == [message]


def test_periods_of_one_project_must_not_overlap(manager: User) -> None:
    _record(manager)
    errors = _refused(manager, starts_on=date(2026, 3, 31), ends_on=date(2027, 3, 30))
    assert errors["starts_on"] == [
        f"{PROJECT} already has a cost from 1 April 2025 to 31 March 2026: periods of one "
        "project must not overlap"
    ]
    # The same project in another case of letters is the same project.
    _refused(manager, project=PROJECT.upper(), starts_on=date(2025, 1, 1), ends_on=date(2025, 4, 1))
    # The next day, or another project, is fine.
    _record(manager, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31))
    _record(manager, project="Target hardening fund")
    assert ProjectCost.objects.filter(project__in=(PROJECT, "Target hardening fund")).count() == 3


def test_every_reason_is_given_at_once(manager: User) -> None:
    errors = _refused(manager, amount="-5", ends_on=date(2020, 1, 1), project="")
    assert set(errors) == {"amount", "ends_on", "project"}


def test_only_a_partnership_manager_records_a_cost(personas: Personas, analyst: User) -> None:
    before = _written()
    for user in (analyst, personas.supervisor, personas.admin, personas.owner):
        with pytest.raises(PermissionDenied):
            _record(user)
    assert _written() == before


# ---------------------------------------------------------------------------------------------
# The page


def _form(**changes: str) -> dict[str, str]:
    return {
        "project": PROJECT,
        "starts_on_day": "1", "starts_on_month": "4", "starts_on_year": "2025",
        "ends_on_day": "31", "ends_on_month": "3", "ends_on_year": "2026",
        "amount": "18470.00",
        "description": "Officer post",
        **changes,
    }  # fmt: skip


def _who(personas: Personas, manager: User, analyst: User) -> dict[str, User]:
    return {**personas.all(), "analyst": analyst, "manager": manager}


# name: (GET, POST): a partnership manager adds; analysts and supervisors read; others 403.
TRUTH = {
    "manager": (200, 302),
    "analyst": (200, 403),
    "supervisor": (200, 403),
    "owner": (403, 403),
    "partner": (403, 403),
    "outsider": (403, 403),
    "referrer": (403, 403),
    "auditor": (403, 403),
    "admin": (403, 403),
    "ended_partner": (403, 403),
    "lone_chair": (403, 403),
    "lone_referrer": (403, 403),
}


def test_the_page_access_truth_table(personas: Personas, manager: User, analyst: User) -> None:
    users = _who(personas, manager, analyst)
    assert set(TRUTH) == set(users)
    got = {}
    for name, user in users.items():
        client = sign_in(Client(), user)
        got[name] = (client.get(URL).status_code, client.post(URL, _form()).status_code)
        ProjectCost.objects.filter(project=PROJECT).delete()  # the same world for the next
    assert got == TRUTH
    assert Client().get(URL).status_code == 302  # anonymous: to sign in
    assert reverse("reporting:project_costs") == URL


def test_a_manager_adds_a_cost_and_sees_it_listed(manager: User) -> None:
    client = sign_in(Client(), manager)
    page = client.get(URL).content.decode()
    assert "Add a project cost" in page
    response = client.post(URL, _form(amount="£18,470.50"), follow=True)
    page = response.content.decode()
    assert "Cost recorded" in page and "£18,470.50" in page and "1 April 2025" in page
    assert ProjectCost.objects.get(project=PROJECT).amount == Decimal("18470.50")


def test_readers_see_the_list_and_no_form(manager: User, analyst: User) -> None:
    _record(manager)
    page = sign_in(Client(), analyst).get(URL).content.decode()
    assert "£18,470.00" in page and PROJECT in page
    assert "Add a project cost" not in page and '<form method="post" novalidate>' not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-100"}, "The amount must be more than £0"),
        ({"ends_on_year": "2024"}, "The end date must be the same as or after the start date"),
        ({"starts_on_month": "13"}, "Start date must be a real date"),
        ({"amount": ""}, "Enter the amount in pounds, like 27705.00"),
        ({"starts_on_day": "1", "starts_on_month": "1", "starts_on_year": "2026"},
         "already has a cost from 1 April 2025 to 31 March 2026"),
    ],
)  # fmt: skip
def test_bad_input_on_the_page_shows_the_error_summary_and_writes_nothing(
    manager: User, changes: dict[str, str], message: str
) -> None:
    _record(manager)
    before = _written()
    response = sign_in(Client(), manager).post(URL, _form(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page
    assert page.count("Error: ") == 1 and "<title>Error: Project costs" in page
    assert _written() == before
