"""Property tests on the case services: whatever is typed, either it is stored as typed (less
surrounding space) or it is refused with a message and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.audit.models import AuditEvent
from nestguard.cases.models import ChronologyEntry, Intervention, outcomes, resolutions
from nestguard.cases.services.closing import case_close
from nestguard.cases.services.interventions import intervention_add
from nestguard.cases.services.work import case_note_add
from nestguard.cases.tests.conftest import make_case

pytestmark = pytest.mark.django_db
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def counts() -> tuple[int, int, int]:
    return ChronologyEntry.objects.count(), Intervention.objects.count(), AuditEvent.objects.count()


@SETTINGS
@given(text=st.text(max_size=300))
def test_a_note_is_stored_as_typed_or_refused_whole(personas, world, text):
    before = counts()
    try:
        entry = case_note_add(actor=personas.owner, case=world.case, text=text)
    except ValidationError as exc:
        assert set(exc.message_dict) == {"text"}
        assert counts() == before
    else:
        assert entry.text == text.strip() and entry.text
        entry.refresh_from_db()
        assert entry.text == text.strip()


@SETTINGS
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
    length=st.one_of(st.none(), st.integers(min_value=-30, max_value=400)),
    kind=st.sampled_from(["safety_plan", "cpw", "arrest", "nonsense", ""]),
)
def test_an_intervention_is_recorded_only_when_its_dates_and_type_make_sense(
    personas, world, start, length, kind
):
    due = None if length is None else start + timedelta(days=length)
    before = counts()
    try:
        item = intervention_add(
            actor=personas.owner,
            case=world.case,
            type=kind,
            owner=personas.owner,
            starts_on=start,
            due_on=due,
        )
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"type", "starts_on", "due_on"}
        assert counts() == before
    else:
        assert kind in ("safety_plan", "cpw", "arrest")
        assert item.starts_on >= date(2000, 1, 1)
        assert item.due_on is None or item.due_on >= item.starts_on


def _death_consistent(chosen: list[str], resolution: str) -> bool:
    """A death outcome goes with the resolution "the person died", and only with it."""
    died = any(outcomes().get(code).get("death") for code in chosen)
    return died == bool(resolutions().get(resolution).get("death"))


@SETTINGS
@given(
    chosen=st.lists(st.sampled_from([*outcomes().values, "made_up"]), max_size=5),
    resolution=st.sampled_from([*resolutions().values, "", "unknown"]),
)
def test_closing_needs_known_outcomes_and_a_resolution(personas, chosen, resolution):
    case = make_case(personas.owner)
    try:
        case_close(
            actor=personas.owner,
            case=case,
            outcomes=chosen,
            resolution=resolution,
            summary="Done",
        )
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"outcomes", "resolution"}
        case.refresh_from_db()
        assert case.status == "open" and case.outcomes == []
        assert (
            not chosen
            or "made_up" in chosen
            or resolution not in resolutions()
            or not _death_consistent(chosen, resolution)
        )
    else:
        case.refresh_from_db()
        assert case.status == "closed"
        assert case.outcomes == list(dict.fromkeys(chosen)) and case.resolution == resolution
        assert _death_consistent(chosen, resolution)
