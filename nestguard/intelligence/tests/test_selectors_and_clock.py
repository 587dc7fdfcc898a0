"""The typed subjects selector the network work derives links from, and the grading clock."""

from __future__ import annotations

import pytest

from nestguard.core.clocks import due_items
from nestguard.intelligence.selectors import (
    SubjectRow,
    report_subjects,
    shared_versions_of,
    version_subjects,
)

pytestmark = [
    pytest.mark.django_db,
]


def test_report_subjects_carry_the_grade(intel):
    report = intel.grade(intel.submit(), source_evaluation="1", intelligence_assessment="B")
    rows = report_subjects(report)
    assert [r.kind for r in rows] == ["person", "phone", "vehicle", "text"]
    phone = rows[1]
    assert phone == SubjectRow(
        kind="phone", label="+442079460123", person_id=None, address_id=None,
        phone="+442079460123", vrm="", source_evaluation="1", intelligence_assessment="B",
        handling_code="P",
    )  # fmt: skip


def test_a_sanitised_version_lists_only_the_subjects_the_grader_kept(intel):
    version = intel.shared(to=[intel.p.hub])
    rows = version_subjects(version)
    assert [r.kind for r in rows] == ["person", "phone", "vehicle"]  # the source's line left out
    assert {r.handling_code for r in rows} == {"P"}
    assert list(shared_versions_of(intel.p.owner)) == [version]
    assert list(shared_versions_of(intel.p.partner)) == []  # not shared with the police
    assert list(shared_versions_of(intel.p.outsider)) == []


def test_the_grading_clock_shows_the_function_what_waits(intel):
    report = intel.submit()
    items = [i for i in due_items(intel.grader) if i.source == "intelligence_grading"]
    assert [i.title for i in items] == [
        f"Grade intelligence {report.reference} from {intel.p.school}"
    ]
    assert items[0].due_at == report.due_at
    for other in (intel.hub_intel, intel.p.partner, intel.p.referrer):
        assert not [i for i in due_items(other) if i.source == "intelligence_grading"]
    intel.grade(report)
    assert not [i for i in due_items(intel.grader) if i.source == "intelligence_grading"]
