"""Interventions (owners, dates, completion) and closing and reopening a case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case, CaseStatus, Intervention, InterventionStatus
from nestguard.cases.services.closing import case_close, case_reopen
from nestguard.cases.services.interventions import intervention_add, intervention_update
from nestguard.cases.services.work import case_note_add, case_team_add_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def today() -> date:
    """The UK day at the test's (frozen) instant: never the day the module was imported."""
    return timezone.localdate()


def add(actor, case, **kwargs) -> Intervention:  # type: ignore[no-untyped-def]
    kwargs.setdefault("type", "safety_plan")
    kwargs.setdefault("owner", actor)
    kwargs.setdefault("starts_on", today() - timedelta(days=7))
    return intervention_add(actor=actor, case=case, **kwargs)


def close(actor, case, **kwargs) -> Case:  # type: ignore[no-untyped-def]
    kwargs.setdefault("outcomes", ["target_hardening_wraparound"])
    kwargs.setdefault("resolution", "positively_resolved")
    kwargs.setdefault("summary", "Locks changed; visitors stopped")
    return case_close(actor=actor, case=case, **kwargs)


def counts() -> tuple[int, int, int]:
    return Intervention.objects.count(), AuditEvent.objects.count(), Case.objects.count()


# Interventions -------------------------------------------------------------------------------


def test_intervention_add(personas, world):
    item = add(personas.owner, world.case, due_on=today() + timedelta(days=14), notes="Weekly")
    assert (item.status, item.owner, item.owner_agency) == ("planned", personas.owner, personas.hub)
    event = AuditEvent.objects.get(action="intervention.add")
    assert event.details == {"case": world.case.reference, "type": "safety_plan", "owner": "owner"}
    assert "Intervention added: Safety plan" in world.case.chronology.first().text  # type: ignore[union-attr]


def test_the_owner_may_be_from_a_partner_agency_on_the_case(personas, world):
    item = add(personas.owner, world.case, type="cpw", owner=personas.partner)
    assert item.owner_agency == personas.police


def test_the_owner_must_be_from_an_agency_on_the_case(personas, world):
    with pytest.raises(ValidationError) as caught:
        add(personas.owner, world.case, owner=personas.outsider)
    assert caught.value.message_dict["owner"] == [
        f"{personas.outsider}'s agency is not on this case: add Elsewhere Housing Association "
        "to the case team first"
    ]


def test_a_team_user_from_another_agency_may_own_one(personas):
    from nestguard.cases.tests.conftest import make_case

    case = make_case(personas.owner)  # police not on the team as an agency
    case_team_add_user(actor=personas.owner, case=case, user=personas.partner)
    assert add(personas.owner, case, owner=personas.partner).owner == personas.partner


def test_a_partner_adds_interventions_they_own_only(personas, world):
    mine = add(personas.partner, world.case, type="warning")
    assert mine.owner == personas.partner
    with pytest.raises(ValidationError) as caught:
        add(personas.partner, world.case, owner=personas.owner)
    assert caught.value.message_dict["owner"] == [
        "Partner agencies record interventions they own themselves"
    ]


@pytest.mark.parametrize("name", ["outsider", "referrer", "auditor", "admin"])
def test_outsiders_cannot_add_interventions(personas, world, name):
    with pytest.raises(PermissionDenied):
        add(getattr(personas, name), world.case, owner=personas.owner)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"type": "telling_off"}, "type"),
        ({"type": None}, "type"),
        ({"owner": None}, "owner"),
        ({"starts_on": None}, "starts_on"),
        ({"starts_on": "2026-01-01"}, "starts_on"),
        ({"starts_on": date(1999, 12, 31)}, "starts_on"),
        (lambda: {"starts_on": today() + timedelta(days=4 * 365)}, "starts_on"),
        (lambda: {"starts_on": today(), "due_on": today() - timedelta(days=1)}, "due_on"),
        ({"notes": "x" * 5001}, "notes"),
        ({"notes": "a\x00b"}, "notes"),
    ],
)
def test_bad_interventions_are_refused_and_nothing_is_written(personas, world, kwargs, field):
    kwargs = kwargs() if callable(kwargs) else kwargs
    before = counts()
    with pytest.raises(ValidationError) as caught:
        add(personas.owner, world.case, **kwargs)
    assert field in caught.value.message_dict
    assert counts() == before


def test_an_inactive_owner_is_refused(personas, world):
    gone = UserFactory(username="left", agency=personas.hub, is_active=False)
    with pytest.raises(ValidationError, match="no longer has an active account"):
        add(personas.owner, world.case, owner=gone)


def test_intervention_update_to_completed_needs_a_past_date(personas, world):
    item = add(personas.owner, world.case)
    with pytest.raises(ValidationError) as caught:
        intervention_update(actor=personas.owner, intervention=item, status="completed")
    assert caught.value.message_dict == {"completed_on": ["Enter the completion date"]}
    with pytest.raises(ValidationError) as caught:
        intervention_update(
            actor=personas.owner,
            intervention=item,
            status="completed",
            completed_on=timezone.localdate() + timedelta(days=1),
        )
    assert caught.value.message_dict == {
        "completed_on": ["The completion date must be today or in the past"]
    }
    with pytest.raises(ValidationError, match="on or after the start date"):
        intervention_update(
            actor=personas.owner,
            intervention=item,
            status="completed",
            completed_on=item.starts_on - timedelta(days=1),
        )
    item.refresh_from_db()
    assert item.status == "planned"
    intervention_update(
        actor=personas.owner, intervention=item, status="completed", completed_on=today()
    )
    item.refresh_from_db()
    assert (item.status, item.completed_on) == ("completed", today())
    event = AuditEvent.objects.get(action="intervention.update")
    assert event.details["from"] == "planned" and event.details["to"] == "completed"


def test_intervention_update_other_statuses_take_no_completion_date(personas, world):
    item = add(personas.owner, world.case)
    with pytest.raises(ValidationError, match="Leave the completion date empty"):
        intervention_update(
            actor=personas.owner, intervention=item, status="cancelled", completed_on=today()
        )
    with pytest.raises(ValidationError, match="status"):
        intervention_update(actor=personas.owner, intervention=item, status="done")
    with pytest.raises(ValidationError, match="Nothing has changed"):
        intervention_update(actor=personas.owner, intervention=item, status="planned")
    intervention_update(
        actor=personas.owner, intervention=item, status="in_progress", notes="Started"
    )
    item.refresh_from_db()
    assert (item.status, item.notes) == ("in_progress", "Started")


def test_a_partner_updates_only_their_own_interventions(personas, world):
    theirs = add(personas.partner, world.case, type="warning")
    ours = add(personas.owner, world.case)
    intervention_update(actor=personas.partner, intervention=theirs, status="in_progress")
    with pytest.raises(PermissionDenied):
        intervention_update(actor=personas.partner, intervention=ours, status="in_progress")
    with pytest.raises(PermissionDenied):
        intervention_update(actor=personas.outsider, intervention=ours, status="in_progress")
    # The lead agency may update the partner's.
    intervention_update(actor=personas.supervisor, intervention=theirs, status="cancelled")


# Closing -------------------------------------------------------------------------------------


def test_close_records_outcomes_resolution_and_summary(personas, world):
    done = add(personas.owner, world.case)
    intervention_update(
        actor=personas.owner, intervention=done, status="completed", completed_on=today()
    )
    close(
        personas.owner,
        world.case,
        outcomes=["arrested_convicted", "warnings_issued", "arrested_convicted"],
        resolution="declined_passed_to_asb",
        summary="Declined support; passed to the ASB team",
    )
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.CLOSED and world.case.closed_at is not None
    assert world.case.outcomes == ["arrested_convicted", "warnings_issued"]
    assert world.case.resolution == "declined_passed_to_asb"
    assert world.case.closing_summary == "Declined support; passed to the ASB team"
    event = AuditEvent.objects.get(action="case.close")
    assert event.details["resolution"] == "declined_passed_to_asb"
    assert "Case closed" in world.case.chronology.order_by("-occurred_at").first().text  # type: ignore[union-attr]


def test_the_stockport_outcome_table_is_in_the_outcome_codes():
    from nestguard.cases.models import outcomes, resolutions

    stockport = {
        "arrested_convicted",
        "target_hardening_wraparound",
        "cpw_cpn",
        "moved",
        "warnings_issued",
        "perpetrators_excluded",
    }
    assert stockport <= set(outcomes().values)
    assert set(resolutions().values) == {
        "positively_resolved",
        "declined_passed_to_asb",
        "not_resolved",
        "person_died",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcomes": []}, "outcomes"),
        ({"outcomes": "moved"}, "outcomes"),
        ({"outcomes": ["moved", "vanished"]}, "outcomes"),
        ({"resolution": ""}, "resolution"),
        ({"resolution": "sorted"}, "resolution"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
    ],
)
def test_close_refuses_bad_input_and_writes_nothing(personas, world, kwargs, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        close(personas.owner, world.case, **kwargs)
    assert field in caught.value.message_dict
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN
    assert counts() == before


def test_close_names_the_interventions_still_open(personas, world):
    add(personas.owner, world.case, type="safety_plan")
    add(personas.partner, world.case, type="warning")
    done = add(personas.owner, world.case, type="target_hardening")
    intervention_update(actor=personas.owner, intervention=done, status="cancelled")
    with pytest.raises(ValidationError) as caught:
        close(personas.owner, world.case)
    message = caught.value.message_dict["interventions"][0]
    assert message.startswith("Complete or cancel these 2 before closing: ")
    assert "Safety plan (owner" in message and "Warning to a perpetrator (owner" in message
    assert "Target hardening" not in message
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_close_may_cancel_the_open_interventions_as_it_closes(personas, world):
    open_one = add(personas.owner, world.case)
    close(personas.owner, world.case, cancel_open_interventions=True)
    open_one.refresh_from_db()
    assert open_one.status == InterventionStatus.CANCELLED
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.CLOSED
    assert AuditEvent.objects.get(action="intervention.update").details["why"] == "case_close"


def test_a_closed_case_cannot_be_closed_again_or_changed(personas, world):
    close(personas.owner, world.case)
    with pytest.raises(ValidationError, match="already closed"):
        close(personas.owner, world.case)
    with pytest.raises(ValidationError, match="is closed: reopen it"):
        add(personas.owner, world.case)
    # Notes are still welcome: what is learned later belongs with the case.
    assert case_note_add(actor=personas.owner, case=world.case, text="Later: moved to Leeds")


def test_closing_again_names_the_uk_day_it_was_closed(personas, world):
    close(personas.owner, world.case)
    # Closed at 00:30 BST on 1 July 2026: 23:30 on 30 June in UTC, as the database keeps it.
    Case.objects.filter(pk=world.case.pk).update(
        closed_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    world.case.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        close(personas.owner, world.case)
    assert caught.value.message_dict["case"] == [
        f"Case {world.case.reference} was already closed on 1 July 2026"
    ]


@pytest.mark.parametrize("name", ["partner", "outsider", "auditor", "admin", "referrer"])
def test_only_the_lead_agency_and_team_may_close(personas, world, name):
    with pytest.raises(PermissionDenied):
        close(getattr(personas, name), world.case)


def test_a_team_user_may_close(personas, world):
    case_team_add_user(actor=personas.owner, case=world.case, user=personas.partner)
    close(personas.partner, world.case)


def test_reopen_needs_a_reason_and_keeps_the_history(personas, world):
    with pytest.raises(ValidationError, match="not closed"):
        case_reopen(actor=personas.owner, case=world.case, reason="x")
    close(personas.owner, world.case, outcomes=["moved"])
    with pytest.raises(ValidationError) as caught:
        case_reopen(actor=personas.owner, case=world.case, reason=" ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        case_reopen(actor=personas.partner, case=world.case, reason="x")
    case_reopen(actor=personas.owner, case=world.case, reason="New referral: he has moved back")
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN
    assert (world.case.outcomes, world.case.resolution, world.case.closed_at) == ([], "", None)
    event = AuditEvent.objects.get(action="case.reopen")
    assert event.details["previous"]["outcomes"] == ["moved"]
    assert "reopened" in world.case.chronology.order_by("-occurred_at").first().text  # type: ignore[union-attr]
