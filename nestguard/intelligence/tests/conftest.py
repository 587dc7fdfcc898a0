"""The intelligence tests' world, on the shared personas: the police are the intelligence
function (the default of data/function.json: the active police agency), with two
intelligence officers (a grader and a second checker); the hub has an intelligence officer
of its own, who is not the function; the school (the referrer's agency) has a second
referrer and a supervisor. The hub, the police and the school share an agreement; the
youth justice service's agreement with the hub has ended; the outsider's agency has none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.accounts.models import Agency, User
from nestguard.intelligence.models import IntelligenceReport, SanitisedVersion
from nestguard.intelligence.services.reports import (
    intelligence_report_grade,
    intelligence_report_submit,
)
from nestguard.intelligence.services.sanitise import (
    sanitised_version_check,
    sanitised_version_share,
    sanitised_version_write,
)
from nestguard.intelligence.services.subjects import SubjectIn
from tests.factories import UserFactory


@dataclass
class Intel:
    p: Personas
    grader: User
    checker: User
    hub_intel: User
    colleague: User  # another referrer at the submitter's school
    school_supervisor: User

    def submit(self, actor: User | None = None, **overrides: Any) -> IntelligenceReport:
        values: dict[str, Any] = {
            "observed_on": timezone.localdate() - dt.timedelta(days=4),
            "what": "Two teenagers, not local, stay at flat 3 most nights; a car drops them off.",
            "how_known": "told_by_third_party",
            "how_known_detail": "The neighbour at flat 4 (Mrs Example) told me on a home visit.",
            "location": "Testing Street, Northbrook",
            "subjects": [
                SubjectIn("person", "Robin Example, about 15"),
                SubjectIn("phone", "020 7946 0123"),
                SubjectIn("vehicle", "ab12 cde"),
                SubjectIn("text", "Mrs Example at flat 4 (the source)"),
            ],
        }
        values.update(overrides)
        return intelligence_report_submit(actor=actor or self.p.referrer, **values)

    def grade(self, report: IntelligenceReport, **overrides: Any) -> IntelligenceReport:
        values: dict[str, Any] = {
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "P",
        }
        values.update(overrides)
        return intelligence_report_grade(actor=self.grader, report=report, **values)

    def release(self, report: IntelligenceReport, keep: int = 3) -> SanitisedVersion:
        subjects = list(report.subjects.order_by("position"))[:keep]
        version = sanitised_version_write(
            actor=self.grader,
            report=report,
            text="Two young people not from the area are staying at an address on Testing "
            "Street most nights.",
            keep_subjects=[s.pk for s in subjects],
        )
        return sanitised_version_check(actor=self.checker, version=version, passed=True)

    def shared(self, to: list[Agency] | None = None, **grade: Any) -> SanitisedVersion:
        report = self.grade(self.submit(), **grade)
        version = self.release(report)
        for agency in to if to is not None else [self.p.hub]:
            sanitised_version_share(actor=self.grader, version=version, agency=agency)
        return version


def make_intel(personas: Personas) -> Intel:
    def officer(username: str, agency: Agency) -> User:
        return UserFactory(username=username, agency=agency, roles=["intelligence_officer"])

    school = personas.school
    return Intel(
        p=personas,
        grader=officer("grader", personas.police),
        checker=officer("checker", personas.police),
        hub_intel=officer("hub_intel", personas.hub),
        colleague=UserFactory(username="colleague", agency=school, roles=["referrer"]),
        school_supervisor=UserFactory(username="school_sup", agency=school, roles=["supervisor"]),
    )


@pytest.fixture
def intel(personas: Personas) -> Intel:
    return make_intel(personas)
