"""The Prevent report (decision 0109): its tables reconcile with the Prevent referrals, small
counts leave suppressed, and only the reporting roles read it (pages and API)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from nestguard.accounts.services import api_token_create
from nestguard.channel.models import PreventReferral
from nestguard.channel.services.prevent import gateway_record, panel_record
from nestguard.reporting.registry import ReportRequest, report_spec
from nestguard.reporting.reports.prevent import age_band, outcome_of
from nestguard.reporting.tables import SUPPRESSED, Table
from tests.factories import UserFactory

from .conftest import PreventWorld

pytestmark = pytest.mark.django_db


def _rows(table: Table) -> dict[str, object]:
    return {str(row[0]): row[1] for row in table.rows}


@pytest.fixture
def referrals(pworld: PreventWorld) -> list[PreventReferral]:
    today = timezone.localdate()
    made = [pworld.refer() for _ in range(6)]
    made += [pworld.refer(person=pworld.adult, ideology="incel") for _ in range(2)]
    for record in made[:5]:
        gateway_record(pworld.officer, record=record, outcome="to_panel", on=today)
    for record in made[:4]:
        panel_record(pworld.officer, record=record, outcome="adopted", on=today)
    gateway_record(pworld.officer, record=made[6], outcome="no_further_action", on=today)
    return made


def _request(user: object) -> ReportRequest:
    today = timezone.localdate()
    return ReportRequest(user=user, start=today - dt.timedelta(days=60), end=today)  # type: ignore[arg-type]


def test_the_tables_reconcile_with_the_referrals(pworld: PreventWorld, referrals) -> None:
    analyst = UserFactory(agency=pworld.personas.hub, roles=["analyst"])
    report = report_spec("prevent").build(_request(analyst))
    tables = {t.name: t for t in report.tables}
    by_kind = _rows(tables["prevent_by_ideology"])
    assert by_kind["Extreme right-wing"] == 6 and by_kind["Incel or misogynist"] == 2
    assert by_kind["Total"] == len(referrals) == report.figures["referrals"]
    ages = _rows(tables["prevent_by_age"])
    assert ages["11 to 15"] == 6 and ages["31 and over"] == 2
    assert Counter(age_band(r.age_at_referral) for r in referrals)["11 to 15"] == 6
    outcomes = _rows(tables["prevent_outcomes"])
    assert outcomes["Panel: Adopted as a Channel case"] == 4 == report.figures["adopted"]
    assert outcomes["Passed the gateway, awaiting the panel"] == 1
    assert outcomes["Gateway: No further Prevent action"] == 1
    assert outcomes["Awaiting the gateway assessment"] == 2
    assert outcomes["Total"] == len(referrals)
    assert sum(v for k, v in outcomes.items() if k != "Total") == len(referrals)  # type: ignore[misc]
    assert {outcome_of(r) for r in referrals} <= set(outcomes)
    stages = _rows(tables["prevent_stages"])
    assert stages == {
        "Referrals": 8,
        "Passed the gateway to the Channel panel": 5,
        "Adopted as Channel cases": 4,
        "Support started": 0,
    }
    assert _rows(tables["prevent_by_sector"]) == {"Police": 8, "Total": 8}


def test_small_counts_leave_suppressed(pworld: PreventWorld, referrals) -> None:
    analyst = UserFactory(agency=pworld.personas.hub, roles=["analyst"])
    shown = report_spec("prevent").build(_request(analyst)).suppressed()
    by_kind = _rows(next(t for t in shown.tables if t.name == "prevent_by_ideology"))
    assert by_kind["Incel or misogynist"] == SUPPRESSED
    assert by_kind["Islamist"] == 0  # a true zero stays
    assert shown.figures["adopted"] == SUPPRESSED


def test_only_the_reporting_roles_read_it(pworld: PreventWorld, referrals) -> None:
    today = timezone.localdate()
    query = f"?from={today - dt.timedelta(days=60)}&to={today}"
    analyst = UserFactory(agency=pworld.personas.hub, roles=["analyst"])
    _, token = api_token_create(actor=None, user=analyst)
    response = Client().get(
        f"/api/v1/reports/prevent/{query}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [t["name"] for t in body["tables"]][:2] == ["prevent_by_ideology", "prevent_by_age"]
    assert body["figures"]["referrals"] == 8
    # The Prevent lead's caseworker works the referrals but reads no report of them.
    _, token = api_token_create(actor=None, user=pworld.officer)
    refused = Client().get(f"/api/v1/reports/prevent/{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403
