"""The county lines review counts placements and education (decision 0110): each table equals
a count made here, independently, from the records; what leaves the system shows no count
from 1 to 4; only the agency asked for is counted when one is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.cases.models import CaseSubject
from nestguard.childhood import policy
from nestguard.childhood.models import EducationStatus, Placement, placement_types
from nestguard.childhood.services.records import education_record, placement_record
from nestguard.people.tests.builders import make_case
from nestguard.reporting.registry import ReportRequest, report_spec
from nestguard.reporting.tables import SUPPRESSED, Table
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tables(user: Any, start: dt.date, end: dt.date, **kw: Any) -> dict[str, Table]:
    report = report_spec("county_lines_review").build(ReportRequest(user, start, end, **kw))
    return {t.name: t for t in report.tables}


@pytest.fixture
def borough(personas: Personas) -> dict[str, Any]:
    today = timezone.localdate()
    children = [
        PersonFactory(date_of_birth=policy.add_months(today, -(13 * 12 + i))) for i in range(9)
    ]
    case = make_case(lead_agency=personas.hub, subjects=[(c, "victim") for c in children])
    make_case(lead_agency=personas.police, subjects=[(children[0], "victim")])
    owner = personas.owner
    day = dt.timedelta(days=1)
    # Six children in unregulated homes out of borough, two of them moved on before the period.
    for i, child in enumerate(children[:6]):
        placement_record(
            owner,
            person=child,
            placement_type="unregulated",
            placing_authority="Southmoor Borough Council",
            located_authority="Northbrook Council" if i < 5 else "Southmoor Borough Council",
            starts_on=today - 100 * day,
            ends_on=today - 80 * day if i >= 4 else None,
        )
    # Three in foster care; one placed by the police's agency record (counted only unfiltered).
    for child in children[6:8]:
        placement_record(
            owner,
            person=child,
            placement_type="foster_care",
            placing_authority="Northbrook Council",
            out_of_borough=False,
            starts_on=today - 10 * day,
        )
    placement_record(
        personas.partner,
        person=children[0],
        placement_type="foster_care",
        placing_authority="Northbrook Council",
        starts_on=today - 5 * day,
    )
    for child in children[:7]:
        education_record(owner, person=child, status="part_time", starts_on=today - 30 * day)
    education_record(owner, person=children[8], status="neet", starts_on=today - 3 * day)
    return {"case": case, "children": children, "today": today}


def _expected_placements(start: dt.date, end: dt.date, agency: Any = None) -> dict[str, list[int]]:
    found: dict[str, tuple[set[Any], set[Any]]] = {}
    for p in Placement.objects.all():
        if p.starts_on > end or (p.ends_on is not None and p.ends_on < start):
            continue
        if agency is not None and p.recording_agency_id != agency:
            continue
        children, away = found.setdefault(p.placement_type, (set(), set()))
        children.add(p.person_id)
        if p.out_of_borough:
            away.add(p.person_id)
    return {placement_types().label(code): [len(c), len(a)] for code, (c, a) in found.items()}


def test_the_tables_reconcile_with_the_records(personas, borough):
    analyst = UserFactory(username="analyst", agency=personas.hub, roles=["analyst"])
    today = borough["today"]
    start = today - dt.timedelta(days=60)
    tables = _tables(analyst, start, today)
    placed = {str(row[0]): [row[1], row[2]] for row in tables["children_placed_by_type"].rows}
    expected = _expected_placements(start, today)
    assert expected["Unregulated accommodation"] == [4, 4]
    assert expected["Foster care"] == [3, 0]
    for label, counts in placed.items():
        assert counts == expected.get(label, [0, 0]), label
    schooled = {str(r[0]): r[1] for r in tables["children_by_education_status"].rows}
    assert schooled["On a part-time timetable"] == len(
        {e.person_id for e in EducationStatus.objects.filter(status="part_time")}
    )
    assert schooled["Not in education, employment or training (NEET)"] == 1
    # Filtered by agency: the police's placement only.
    police = _tables(analyst, start, today, agency_id=personas.police.pk)
    rows = {str(r[0]): [r[1], r[2]] for r in police["children_placed_by_type"].rows}
    assert rows["Foster care"] == [1, 0] and rows["Unregulated accommodation"] == [0, 0]
    assert rows == {
        **{k: [0, 0] for k in rows},
        **_expected_placements(start, today, personas.police.pk),
    }


def test_what_leaves_the_system_hides_counts_from_one_to_four(personas, borough):
    analyst = UserFactory(username="analyst", agency=personas.hub, roles=["analyst"])
    today = borough["today"]
    report = report_spec("county_lines_review").build(
        ReportRequest(analyst, today - dt.timedelta(days=60), today)
    )
    shown = {t.name: t for t in report.suppressed().tables}
    for name in ("children_placed_by_type", "children_by_education_status"):
        for row in shown[name].rows:
            for cell in row[1:]:
                assert cell == SUPPRESSED or not 1 <= int(cell) <= 4, (name, row)
    neet = next(r for r in shown["children_by_education_status"].rows if "NEET" in r[0])
    assert neet[1] == SUPPRESSED


def test_someone_who_may_not_report_counts_nothing(personas, borough):
    assert CaseSubject.objects.exists()
    today = borough["today"]
    tables = _tables(personas.owner, today - dt.timedelta(days=60), today)
    assert all(
        cell in (0, SUPPRESSED)
        for row in tables["children_placed_by_type"].rows
        for cell in row[1:]
    )
