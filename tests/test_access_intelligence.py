"""The access truth table of partner intelligence (decision 0097): its pages and its API.

The world: the police are the intelligence function (the default of
intelligence/data/function.json). The referrer (a school) submitted a report; a police
intelligence officer graded it 2C P and wrote a sanitised version, a second officer checked
it, and it was shared with the hub. A second report waits to be graded. None of the
personas is an intelligence officer, so the grading pages answer 403 to all of them (the
officers' own answers are in nestguard/intelligence/tests/test_access.py). The original is
the referrer's alone among the personas (REFERRER_ONLY); the sanitised version is the hub's
(shared with it); the police caseworker (the partner) reads neither: the function's own
colleagues read only what is shared with their agency.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.intelligence.services.sanitise import sanitised_version_share
from nestguard.intelligence.tests.conftest import make_intel
from tests.test_access_truth_table import (
    PERSONAS,
    REFERRER_ONLY,
    Row,
    World,
    _request_and_undo,
    assert_hidden_answers_as_missing,
    expect,
    hidden_rows,
)

SUBMITTERS = expect(200, 200, 200, 200, 200, 403, 403)  # lone chair: a panel chair submits too
SUBMITTED = expect(302, 302, 302, 302, 302, 403, 403)
API_SUBMITTED = expect(201, 201, 201, 201, 201, 403, 403)
NOBODY = expect(403, 403, 403, 403, 403, 403, 403)
# Shared with the hub: its caseworker and supervisor read it; the police caseworker, the
# outsider and the ended partner are told nothing exists; other roles meet the role gate.
SHARED_WITH_HUB = expect(200, 200, 404, 404, 403, 403, 403, lone_chair=403, lone_referrer=403)
RECEIVERS = expect(200, 200, 200, 200, 403, 403, 403, lone_chair=403, lone_referrer=403)


@pytest.fixture
def world(personas: Personas) -> World:
    intel = make_intel(personas)
    report = intel.grade(intel.submit())
    version = intel.release(report)
    sanitised_version_share(actor=intel.grader, version=version, agency=personas.hub)
    pending = intel.submit()
    world = World(personas=personas, referral=None, pending=None, draft=None, case=None)  # type: ignore[arg-type]
    world.ids = {"report": report.pk, "version": version.pk, "pending": pending.pk}
    return world


def report(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["report"]}


def pending(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["pending"]}


def version(ids: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ids["version"]}


def _form(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    seen = timezone.localdate()
    return {
        "what": "Visitors at all hours at the flat above the shop.",
        "observed_on_day": seen.day, "observed_on_month": seen.month, "observed_on_year": seen.year,
        "how_known": "seen", "phones": "020 7946 0555", "vehicles": "AB12 CDE",
    }  # fmt: skip


def _body(ids: dict[str, Any], user: Any) -> dict[str, Any]:
    return {
        "observed_on": timezone.localdate().isoformat(),
        "what": "Visitors at all hours.", "how_known": "seen",
        "phones": ["020 7946 0555"], "vehicles": ["AB12 CDE"],
    }  # fmt: skip


TABLE: list[Row] = [
    Row("intelligence:submit", SUBMITTERS),
    Row("intelligence:submit", SUBMITTED, method="POST", body=_form),
    Row("intelligence:mine", SUBMITTERS),
    Row("intelligence:report", REFERRER_ONLY, report),
    Row("intelligence:queue", NOBODY),
    Row("intelligence:grade", NOBODY, pending),
    Row("intelligence:grade", NOBODY, pending, method="POST", body=lambda ids, user: {}),
    Row("intelligence:sanitise", NOBODY, report),
    Row("intelligence:version", SHARED_WITH_HUB, version),
    Row("intelligence:check", NOBODY, version),
    Row("intelligence:share", NOBODY, version),
    Row("intelligence:share", NOBODY, version, method="POST", body=lambda ids, user: {}),
    Row("intelligence:received", RECEIVERS),
    Row("api:intelligence_reports", SUBMITTERS),
    Row("api:intelligence_reports", API_SUBMITTED, method="POST", body=_body),
    Row("api:intelligence_report", REFERRER_ONLY, report),
    Row("api:sanitised_versions", RECEIVERS),
    Row("api:sanitised_version", SHARED_WITH_HUB, version),
]


@pytest.mark.django_db
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_access(row: Row, world: World) -> None:
    got = {persona: _request_and_undo(row, world, persona) for persona in PERSONAS}
    wrong = {p: (row.expected[p], got[p]) for p in PERSONAS if got[p] != row.expected[p]}
    assert not wrong, f"{row.id} ({row.path(world.ids)}): " + ", ".join(
        f"{p} expected {want} got {have}" for p, (want, have) in wrong.items()
    )


HIDDEN_ROWS = hidden_rows(TABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("row", HIDDEN_ROWS, ids=[row.id for row in HIDDEN_ROWS])
def test_hidden_answers_as_missing(row: Row, world: World) -> None:
    assert_hidden_answers_as_missing(row, world)
