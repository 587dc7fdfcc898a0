"""The county lines review and the equality monitoring report reconcile (issue 11 points 2,
3 and 6): on the seeded borough, each table equals a count made here, independently, from
the records in Python; totals add up; percentages come from the true counts; what leaves the
system (`Report.suppressed().to_json()`, the API) shows no count from 1 to 4."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from nestguard.accounts.services import api_token_create
from nestguard.cases.models import Case
from nestguard.core.calendar import UK
from nestguard.core.codes import code_list
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.selectors import age_bands
from nestguard.people import equality
from nestguard.reporting import measures
from nestguard.reporting.registry import ReportRequest, report_spec
from nestguard.reporting.reports import county_lines_review as review
from nestguard.reporting.tables import SUPPRESSED, Table

from .conftest import END, START, World

pytestmark = pytest.mark.django_db
BANDS = ["Under 8", "8 to 10", "11 to 13", "14 to 15", "16 to 17", "Age not known"]


def _request(world: World, **kw: Any) -> ReportRequest:
    return ReportRequest(world.users["analyst"], START, END, **kw)


def _tables(name: str, world: World) -> dict[str, Table]:
    report = report_spec(name).build(_request(world))
    return {table.name: table for table in report.tables}


def _body(table: Table, column: int = 1) -> dict[str, Any]:
    return {str(row[0]): row[column] for row in table.rows[:-1]}


def _children_episodes() -> list[MissingEpisode]:
    return [
        e
        for e in MissingEpisode.objects.all()
        if START <= e.started_at.astimezone(UK).date() <= END
        and (e.age_at_start is None or e.age_at_start < 18)
    ]


def _band(age: int | None) -> str:
    if age is None:
        return "Age not known"
    return next(label for label, low, high in age_bands(children_only=True) if low <= age <= high)


def _assert_adds_up(table: Table) -> None:
    total = table.rows[-1]
    assert total[0] == "Total"
    for column in table.count_columns():
        assert total[column] == sum(int(row[column] or 0) for row in table.rows[:-1]), table.name
    if table.total_column:
        counts = table.count_columns()[:-1]
        for row in table.rows:
            assert row[-1] == sum(int(row[c] or 0) for c in counts), (table.name, row)
    for index, column_spec in enumerate(table.columns):
        if column_spec.kind == "percent":
            of = column_spec.of
            assert of is not None
            whole = int(table.rows[-1][of] or 0)
            for row in table.rows:
                expected = (
                    None
                    if whole == 0
                    else (Decimal(int(row[of] or 0)) * 100 / whole).quantize(Decimal("0.1"))
                )
                assert row[index] == expected, (table.name, row)


def test_the_episodes_and_children_by_age_reconcile(world: World) -> None:
    tables = _tables("county_lines_review", world)
    episodes = _children_episodes()
    assert len(episodes) > 20, "the seeded borough has children's missing episodes"
    by_age = tables["missing_episodes_by_age"]
    assert list(_body(by_age)) == BANDS
    assert _body(by_age) == {b: Counter(_band(e.age_at_start) for e in episodes)[b] for b in BANDS}
    assert by_age.rows[-1][1] == len(episodes)
    first: dict[Any, MissingEpisode] = {}
    for e in sorted(episodes, key=lambda e: e.started_at):
        first.setdefault(e.person_id, e)
    people = tables["missing_individuals_by_age"]
    expected = Counter(_band(e.age_at_start) for e in first.values())
    assert _body(people) == {b: expected[b] for b in BANDS}
    assert people.rows[-1][1] == len(first) <= len(episodes)
    for table in (by_age, people):
        _assert_adds_up(table)


def test_care_and_harm_reconcile(world: World) -> None:
    report = report_spec("county_lines_review").build(_request(world))
    tables = {t.name: t for t in report.tables}
    episodes = _children_episodes()
    care = _body(tables["missing_episodes_by_care"])
    assert care["Looked after (in care)"] == sum(e.care_status == "looked_after" for e in episodes)
    assert sum(care.values()) == len(episodes)
    # No total row: one episode may count under several kinds of harm.
    harm = {str(row[0]): row[1] for row in tables["harm_during_episodes"].rows}
    kinds = code_list("pathways", "harm_kinds")
    for kind in kinds.codes:
        assert harm[kind.label] == sum(kind.code in e.harm for e in episodes), kind.code
    assert harm["Not recorded (still missing, or not asked)"] == sum(not e.harm for e in episodes)
    in_care = {e.person_id for e in episodes if e.care_status == "looked_after"}
    assert report.figures["missing_individuals_in_care"] == len(in_care)
    assert report.figures["missing_episodes"] == len(episodes)
    _assert_adds_up(tables["missing_episodes_by_care"])


def _child_on(person: Any, day: date) -> bool:
    return review.is_child(person.date_of_birth, person.age_estimate, day)


def test_the_triage_list_by_risk_and_sex_reconciles(world: World) -> None:
    table = _tables("county_lines_review", world)["triage_list_by_risk_and_sex"]
    _start, end = measures.period_bounds(_request(world))
    rank = {code: i for i, (code, _) in enumerate(measures.RISK_BANDS)}
    highest: dict[Any, tuple[str, str]] = {}
    for case in Case.objects.prefetch_related("subjects__person"):
        if not (case.opened_at < end and (case.closed_at is None or case.closed_at >= end)):
            continue
        for subject in case.subjects.all():
            person = subject.person
            if subject.role not in measures.AT_RISK_ROLES or not _child_on(person, END):
                continue
            band = case.risk_band if case.risk_band in rank else ""
            if person.pk not in highest or rank[band] < rank[highest[person.pk][0]]:
                highest[person.pk] = (band, person.sex)
    assert highest, "the seeded borough has children on open cases"
    found = Counter(highest.values())
    headings = [h for _, h in equality.sex_columns()]
    assert table.headings == ["Risk band", *headings, "Total"]
    for row, (code, label) in zip(table.rows[:-1], measures.RISK_BANDS, strict=True):
        assert row[0] == label
        assert list(row[1:-1]) == [found[(code, sex)] for sex, _ in equality.sex_columns()]
    assert table.rows[-1][-1] == len(highest)
    assert any(sex == "" for _, sex in highest.values()), "some sexes are not recorded"
    _assert_adds_up(table)


def test_cse_and_cce_reconcile(world: World) -> None:
    table = _tables("county_lines_review", world)["cse_cce_victims"]
    start, end = measures.period_bounds(_request(world))
    opened = [c for c in Case.objects.prefetch_related("subjects__person")
              if start <= c.opened_at < end]  # fmt: skip
    for row, code in zip(table.rows[:-1], ("cse", "cce"), strict=True):
        cases = [c for c in opened if code in c.concern_types]
        children = {
            s.person_id
            for c in cases
            for s in c.subjects.all()
            if s.role in measures.AT_RISK_ROLES and _child_on(s.person, END)
        }
        assert row[1:] == (len(cases), len(children)), row
    _assert_adds_up(table)


def test_equality_monitoring_reconciles(world: World) -> None:
    tables = _tables("equality_monitoring", world)
    start, end = measures.period_bounds(_request(world))
    people: dict[Any, Any] = {}
    for case in Case.objects.prefetch_related("subjects__person"):
        if start <= case.opened_at < end:
            for s in case.subjects.all():
                if s.role in measures.AT_RISK_ROLES:
                    people[s.person_id] = s.person
    table = tables["people_at_risk_by_ethnicity_and_sex"]
    found = Counter((equality.ethnic_group(p.ethnicity), p.sex) for p in people.values())
    assert [row[0] for row in table.rows[:-1]] == equality.ethnic_groups()
    for row in table.rows[:-1]:
        assert list(row[1:-1]) == [found[(row[0], sex)] for sex, _ in equality.sex_columns()]
    assert table.rows[-1][-1] == len(people)
    assert found[(equality.NOT_RECORDED, "")] > 0, "the demo leaves many not recorded"
    for t in tables.values():
        _assert_adds_up(t)


def _no_small_count(body: dict[str, Any]) -> None:
    for table in body["tables"]:
        for row in table["rows"]:
            for cell in row[1:]:
                assert not (isinstance(cell, int) and 0 < cell < 5), (table["name"], row)
    for key, value in body["figures"].items():
        assert not (isinstance(value, int) and 0 < value < 5), key


@pytest.mark.parametrize("name", ["county_lines_review", "equality_monitoring"])
def test_what_leaves_the_system_is_suppressed(world: World, name: str) -> None:
    report = report_spec(name).build(_request(world))
    true = report.to_json()
    shown = report.suppressed().to_json()
    assert shown["report"] == name and shown["from"] == START.isoformat()
    _no_small_count(shown)
    # Suppression hides and never alters: every cell shown is the true cell or [c].
    for t_true, t_shown in zip(true["tables"], shown["tables"], strict=True):
        assert t_true["columns"] == t_shown["columns"]
        for r_true, r_shown in zip(t_true["rows"], t_shown["rows"], strict=True):
            for a, b in zip(r_true, r_shown, strict=True):
                assert b in (a, SUPPRESSED)
    if name == "equality_monitoring":
        # Small groups exist in the borough, and are hidden.
        assert any(SUPPRESSED in row for t in shown["tables"] for row in t["rows"]), (
            "some cell is suppressed"
        )


def test_the_api_serves_the_review_suppressed(world: World) -> None:
    _, token = api_token_create(actor=None, user=world.users["analyst"])
    response = Client().get(
        f"/api/v1/reports/county_lines_review/?from={START}&to={END}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    names = [t["name"] for t in body["tables"]]
    assert names == [
        "missing_episodes_by_age", "missing_individuals_by_age", "missing_episodes_by_care",
        "harm_during_episodes", "triage_list_by_risk_and_sex", "cse_cce_victims",
        "children_placed_by_type", "children_by_education_status",
    ]  # fmt: skip
    _no_small_count(body)


@pytest.mark.parametrize("role", ["caseworker", "referrer", "panel_chair", "auditor"])
def test_the_api_refuses_roles_that_do_not_report(world: World, role: str) -> None:
    _, token = api_token_create(actor=None, user=world.users[role])
    response = Client().get(
        f"/api/v1/reports/county_lines_review/?from={START}&to={END}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403
