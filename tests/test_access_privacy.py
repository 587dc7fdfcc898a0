"""The data protection officer's pages in the access truth table (decision 0103).

None of the table's personas is a data protection officer: every one of them is refused
(403) on every page, the breach log included, whatever their agency or other roles (an
administrator and an auditor too: breaches are the agency's DPO's business). Beside the
table, two officers: the hub's sees and works the hub's breach; the police's is answered
404 for it, exactly as for a breach that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.administration import agency_deactivate
from nestguard.privacy.models import Breach, BreachNotice
from nestguard.privacy.services.breaches import breach_record
from tests.factories import UserFactory
from tests.test_access_truth_table import PERSONAS, Row, _request_and_undo, expect

NOBODY = expect(403, 403, 403, 403, 403, 403, 403)


def _breach(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["breach"]}


def _notice_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "audience": "ico",
        "told_date_day": str(now.day),
        "told_date_month": str(now.month),
        "told_date_year": str(now.year),
        "told_time": f"{now:%H:%M}",
    }


def _assess_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "risk": "risk",
        "risk_reasons": "A child's details",
        "notify_ico": "yes",
        "tell_people": "no",
    }


def _new_body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "summary": "Wrong address",
        "what_happened": "Letter misaddressed",
        "data_involved": "A name",
        "aware_date_day": str(now.day),
        "aware_date_month": str(now.month),
        "aware_date_year": str(now.year),
        "aware_time": "00:00",
    }


TABLE: list[Row] = [
    Row("privacy:index", NOBODY),
    Row("privacy:ropa", NOBODY),
    Row("privacy:ropa_export", NOBODY, lambda ids: {"fmt": "ods"}),
    Row("privacy:dpia", NOBODY),
    Row("privacy:dpia_export", NOBODY, lambda ids: {"fmt": "pdf"}),
    Row("privacy:breaches", NOBODY),
    Row("privacy:breach_new", NOBODY),
    Row("privacy:breach_new", NOBODY, method="POST", body=_new_body),
    Row("privacy:breach_export", NOBODY, lambda ids: {"fmt": "ods"}),
    Row("privacy:breach", NOBODY, _breach),
    Row("privacy:breach_assess", NOBODY, _breach, method="POST", body=_assess_body),
    Row("privacy:breach_notice", NOBODY, _breach, method="POST", body=_notice_body),
    Row("privacy:breach_close", NOBODY, _breach, method="POST"),
]


@pytest.fixture
def world(personas: Personas) -> SimpleNamespace:
    officer = UserFactory(agency=personas.hub, roles=["data_protection_officer"])
    breach = breach_record(
        actor=officer,
        summary="Misdirected email",
        what_happened="Sent to the wrong school",
        data_involved="A child's name",
        aware_at=timezone.now() - timedelta(hours=3),
    )
    police_officer = UserFactory(agency=personas.police, roles=["data_protection_officer"])
    return SimpleNamespace(
        personas=personas,
        ids={"breach": breach.pk},
        officer=officer,
        police=police_officer,
        breach=breach,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: SimpleNamespace) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}  # type: ignore[arg-type]
    assert got == row.expected
    assert Breach.objects.count() == 1 and not BreachNotice.objects.exists()


# (row, the hub's officer, the police's officer): the police's officer meets the hub's breach
# as one that does not exist.
OFFICERS = [
    (TABLE[0], 200, 200),
    (TABLE[1], 200, 200),
    (TABLE[2], 200, 200),
    (TABLE[3], 200, 200),
    (TABLE[4], 200, 200),
    (TABLE[5], 200, 200),
    (TABLE[6], 200, 200),
    (TABLE[7], 302, 302),
    (TABLE[8], 200, 200),
    (TABLE[9], 200, 404),
    (TABLE[10], 302, 404),
    (TABLE[11], 302, 404),
    (TABLE[12], 302, 404),  # close: refused by the service (not assessed), sent back
]


def _ask(row: Row, world: SimpleNamespace, user: Any, kwargs: dict[str, Any]) -> Any:
    client = sign_in(Client(), user)
    path = reverse(row.name, kwargs=kwargs)
    if row.method == "POST":
        return client.post(path, row.body(world.ids, user) if row.body else {})
    return client.get(path)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "hub", "police"), OFFICERS, ids=[r[0].id for r in OFFICERS])
def test_officers(row: Row, hub: int, police: int, world: SimpleNamespace) -> None:
    kwargs = row.kwargs(world.ids)
    police_answer = _ask(row, world, world.police, kwargs)
    assert police_answer.status_code == police
    if police == 404:
        missing = _ask(row, world, world.police, {**kwargs, "pk": uuid.uuid4()})
        assert (missing.status_code, missing.content) == (404, police_answer.content)
        world.breach.refresh_from_db()
        assert world.breach.risk == "" and not BreachNotice.objects.exists()
    assert _ask(row, world, world.officer, kwargs).status_code == hub


@pytest.mark.django_db
def test_an_unknown_format_is_missing(world: SimpleNamespace) -> None:
    client = sign_in(Client(), world.officer)
    assert client.get(reverse("privacy:ropa_export", kwargs={"fmt": "xlsx"})).status_code == 404


@pytest.mark.django_db
def test_an_officer_of_a_deactivated_agency_sees_nothing(world: SimpleNamespace) -> None:
    from nestguard.access.door import visible

    agency_deactivate(actor=None, agency=world.personas.hub)
    world.officer.agency.refresh_from_db()
    assert not visible(world.officer, Breach).exists()


@pytest.mark.django_db
def test_the_navigation_offers_it_to_officers_only(world: SimpleNamespace) -> None:
    link = reverse("privacy:index")
    assert link in sign_in(Client(), world.officer).get("/").content.decode()
    assert link not in sign_in(Client(), world.personas.admin).get("/").content.decode()
