"""The permission truth table for every case and risk page: persona and page to status.

owner and supervisor: the lead agency (hub). partner: police, on the team under an active
agreement. outsider: a caseworker with no agreement (404, as if the case did not exist).
referrer, auditor, admin: their roles do not reach case pages at all (403).
"""

from __future__ import annotations

from datetime import date

import pytest

from nestguard.cases.services.interventions import intervention_add
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import CCE, answers_totalling

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "supervisor", "partner", "outsider", "referrer", "auditor", "admin"]
NO_ROLE = {"referrer": 403, "auditor": 403, "admin": 403}

# page → expected status for owner, supervisor, partner, outsider (then NO_ROLE)
TABLE: dict[str, tuple[int, int, int, int]] = {
    "/cases/": (200, 200, 200, 200),
    "/cases/new/": (200, 200, 200, 200),
    "/cases/{case}/": (200, 200, 200, 404),
    "/cases/{case}/notes/add/": (200, 200, 200, 404),
    "/cases/{case}/interventions/add/": (200, 200, 200, 404),
    "/cases/{case}/interventions/{own}/": (200, 200, 403, 404),
    "/cases/{case}/interventions/{partners}/": (200, 200, 200, 404),
    "/cases/{case}/team/users/add/": (200, 200, 403, 404),
    "/cases/{case}/team/agencies/add/": (200, 200, 403, 404),
    "/cases/{case}/team/agencies/{police}/remove/": (200, 200, 403, 404),
    "/cases/{case}/people/add/": (200, 200, 403, 404),
    "/cases/{case}/people/role/": (200, 200, 403, 404),
    "/cases/{case}/lead/": (200, 200, 403, 404),
    "/cases/{case}/status/": (200, 200, 403, 404),
    "/cases/{case}/close/": (200, 200, 403, 404),
    "/cases/{case}/reopen/": (200, 200, 403, 404),
    "/risk/cases/{case}/assess/": (200, 200, 403, 404),
    "/risk/cases/{case}/assess/?instrument=cuckooing_adult": (200, 200, 403, 404),
    "/risk/assessments/{assessment}/": (200, 200, 200, 404),
}


@pytest.fixture
def ids(personas, world):  # type: ignore[no-untyped-def]
    own = intervention_add(
        actor=personas.owner,
        case=world.case,
        type="safety_plan",
        owner=personas.owner,
        starts_on=date.today(),
    )
    partners = intervention_add(
        actor=personas.partner,
        case=world.case,
        type="warning",
        owner=personas.partner,
        starts_on=date.today(),
    )
    assessment = assessment_record(
        actor=personas.owner,
        case=world.case,
        instrument="cce_child",
        stage="initial",
        answers=answers_totalling(CCE, 12),
    )
    return {
        "case": world.case.pk,
        "own": own.pk,
        "partners": partners.pk,
        "police": personas.police.pk,
        "assessment": assessment.pk,
    }


@pytest.mark.parametrize("page", sorted(TABLE))
def test_truth_table(client_for, ids, page):
    expected = dict(zip(["owner", "supervisor", "partner", "outsider"], TABLE[page], strict=True))
    expected.update(NO_ROLE)
    url = page.format(**ids)
    got = {name: client_for(name).get(url).status_code for name in PERSONAS}
    assert got == expected, url
