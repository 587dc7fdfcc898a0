"""Case services: opening without a referral, notes, team, people, lead and status.
Each writes its chronology and audit events, and bad input writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nestguard.accounts.services import sharing_agreement_create
from nestguard.audit.models import AuditEvent
from nestguard.audit.verify import verify_chain
from nestguard.cases.models import (
    Case,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
    CaseTeamUser,
    ChronologyEntry,
    ChronologyKind,
)
from nestguard.cases.services.work import (
    case_create,
    case_lead_change,
    case_note_add,
    case_status_change,
    case_subject_add,
    case_subject_record,
    case_team_add_agency,
    case_team_add_user,
    case_team_remove_agency,
    case_team_remove_user,
)
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.people.models import Person
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "chronology": ChronologyEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
        "subjects": CaseSubject.objects.count(),
        "people": Person.objects.count(),
        "team_users": CaseTeamUser.objects.count(),
        "team_agencies": CaseTeamAgency.objects.count(),
    }


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no {action} event"
    return event


# Opening a case without a referral -----------------------------------------------------------


def test_case_create_opens_a_case_led_by_the_actor(personas):
    case = case_create(
        actor=personas.partner,
        lead_agency=personas.police,
        concern_types=["county_lines", "cce", "cce"],
        summary="  Intelligence: a deal line run from a flat on Example Road  ",
    )
    assert case.reference.startswith("CASE-")
    assert (case.lead_agency, case.lead_worker, case.status) == (
        personas.police,
        personas.partner,
        CaseStatus.OPEN,
    )
    assert case.concern_types == ["county_lines", "cce"]
    assert case.summary == "Intelligence: a deal line run from a flat on Example Road"
    assert CaseTeamUser.objects.filter(case=case, user=personas.partner).exists()
    assert "without a referral" in case.chronology.get().text
    event = last_event("case.create")
    assert event.object_id == str(case.pk) and event.actor == personas.partner
    assert verify_chain().intact


def test_case_references_are_unique_and_sequential(personas):
    first, second = make_case(personas.owner), make_case(personas.owner)
    assert first.reference != second.reference
    assert int(second.reference.split("-")[1]) == int(first.reference.split("-")[1]) + 1


@pytest.mark.parametrize(
    ("concerns", "summary", "field"),
    [
        ([], "Summary", "concern_types"),
        (["burglary"], "Summary", "concern_types"),
        ("cuckooing", "Summary", "concern_types"),
        ([3], "Summary", "concern_types"),
        (["cuckooing"], "", "summary"),
        (["cuckooing"], "   ", "summary"),
        (["cuckooing"], "x" * 5001, "summary"),
        (["cuckooing"], "null\x00byte", "summary"),
        (["cuckooing"], 42, "summary"),
    ],
)
def test_case_create_refuses_bad_input(personas, concerns, summary, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        case_create(
            actor=personas.owner,
            lead_agency=personas.hub,
            concern_types=concerns,
            summary=summary,
        )
    assert field in caught.value.message_dict
    assert counts() == before


@pytest.mark.parametrize("name", ["referrer", "auditor", "admin"])
def test_only_caseworkers_open_cases(personas, name):
    user = getattr(personas, name)
    with pytest.raises(PermissionDenied):
        case_create(actor=user, lead_agency=user.agency, concern_types=["cce"], summary="x")


def test_a_case_is_opened_only_for_ones_own_agency(personas):
    with pytest.raises(PermissionDenied):
        case_create(
            actor=personas.owner, lead_agency=personas.police, concern_types=["cce"], summary="x"
        )


def test_markup_is_stored_as_typed(personas):
    case = make_case(personas.owner, summary="<script>alert(1)</script> & more")
    assert case.summary == "<script>alert(1)</script> & more"


# Notes ---------------------------------------------------------------------------------------


def test_a_note_is_added_to_the_chronology(personas, world):
    entry = case_note_add(actor=personas.owner, case=world.case, text="Visited; no answer.\n")
    assert (entry.kind, entry.text, entry.author) == (
        ChronologyKind.NOTE,
        "Visited; no answer.",
        personas.owner,
    )
    event = last_event("case.note_add")
    assert event.object_id == str(world.case.pk)
    assert "Visited" not in str(event.details)  # the note itself stays out of the audit trail


def test_a_partner_on_the_team_may_add_notes(personas, world):
    entry = case_note_add(actor=personas.partner, case=world.case, text="PNC checks done")
    assert entry.author == personas.partner


@pytest.mark.parametrize("text", ["", "  \n ", "x" * 10001, "bad\x1bescape", None])
def test_a_bad_note_is_refused(personas, world, text):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        case_note_add(actor=personas.owner, case=world.case, text=text)
    assert "text" in caught.value.message_dict
    assert counts() == before


@pytest.mark.parametrize("name", ["outsider", "referrer", "auditor", "admin"])
def test_outsiders_cannot_add_notes(personas, world, name):
    with pytest.raises(PermissionDenied):
        case_note_add(actor=getattr(personas, name), case=world.case, text="x")


# The team ------------------------------------------------------------------------------------


def test_team_add_and_remove_a_user(personas, world):
    member = case_team_add_user(actor=personas.owner, case=world.case, user=personas.partner)
    assert member.user == personas.partner
    assert last_event("case.team_add").details == {
        "user": "partner",
        "agency": "Northbrook Police",
    }
    with pytest.raises(ValidationError, match="already on the case team"):
        case_team_add_user(actor=personas.owner, case=world.case, user=personas.partner)
    case_team_remove_user(actor=personas.owner, case=world.case, user=personas.partner)
    assert not CaseTeamUser.objects.filter(case=world.case, user=personas.partner).exists()
    assert last_event("case.team_remove").details["user"] == "partner"
    texts = list(world.case.chronology.values_list("text", flat=True))
    assert any("joined the case team" in t for t in texts)
    assert any("left the case team" in t for t in texts)


def test_only_casework_users_under_agreement_join_the_team(personas, world):
    with pytest.raises(ValidationError, match="not a caseworker or supervisor"):
        case_team_add_user(actor=personas.owner, case=world.case, user=personas.referrer)
    with pytest.raises(ValidationError, match="no active information sharing agreement"):
        case_team_add_user(actor=personas.owner, case=world.case, user=personas.outsider)
    gone = UserFactory(username="gone", agency=personas.hub, is_active=False)
    with pytest.raises(ValidationError, match="active account"):
        case_team_add_user(actor=personas.owner, case=world.case, user=gone)


def test_the_lead_worker_cannot_be_removed_from_the_team(personas, world):
    with pytest.raises(ValidationError, match="lead worker"):
        case_team_remove_user(actor=personas.owner, case=world.case, user=personas.owner)
    with pytest.raises(ValidationError, match="not on the case team"):
        case_team_remove_user(actor=personas.owner, case=world.case, user=personas.supervisor)


def test_team_add_agency_needs_an_active_sharing_agreement(personas):
    case = make_case(personas.owner)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        case_team_add_agency(actor=personas.owner, case=case, agency=personas.outsider_agency)
    message = caught.value.message_dict["agency"][0]
    assert "Elsewhere Housing Association has no active information sharing agreement" in message
    assert "Northbrook Exploitation Hub, the lead agency" in message
    assert counts() == before
    member = case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    assert member.agency == personas.police
    assert last_event("case.team_add").details == {"agency": "Northbrook Police"}


def test_team_add_agency_refuses_the_lead_a_duplicate_and_an_inactive_agency(personas, world):
    with pytest.raises(ValidationError, match="already leads"):
        case_team_add_agency(actor=personas.owner, case=world.case, agency=personas.hub)
    with pytest.raises(ValidationError, match="already on the case team"):
        case_team_add_agency(actor=personas.owner, case=world.case, agency=personas.police)
    closed_down = AgencyFactory(name="Closed Service", active=False)
    with pytest.raises(ValidationError, match="no longer an active"):
        case_team_add_agency(actor=personas.owner, case=world.case, agency=closed_down)


def test_an_expired_agreement_does_not_count(personas):
    council = AgencyFactory(name="Old Partner")
    sharing_agreement_create(
        actor=None,
        name="Expired",
        parties=[personas.hub, council],
        purposes="Past work",
        lawful_basis="public_task",
        starts_on=date(2020, 1, 1),
        review_on=date(2021, 1, 1),
        ends_on=date(2021, 1, 1),
    )
    case = make_case(personas.owner)
    with pytest.raises(ValidationError, match="no active information sharing agreement"):
        case_team_add_agency(actor=personas.owner, case=case, agency=council)


def test_team_remove_agency(personas, world):
    case_team_remove_agency(actor=personas.owner, case=world.case, agency=personas.police)
    assert not CaseTeamAgency.objects.filter(case=world.case).exists()
    with pytest.raises(ValidationError, match="not on the case team"):
        case_team_remove_agency(actor=personas.owner, case=world.case, agency=personas.police)


@pytest.mark.parametrize("name", ["partner", "outsider", "referrer", "auditor", "admin"])
def test_only_editors_change_the_team(personas, world, name):
    actor = getattr(personas, name)
    with pytest.raises(PermissionDenied):
        case_team_add_user(actor=actor, case=world.case, user=personas.supervisor)
    with pytest.raises(PermissionDenied):
        case_team_add_agency(actor=actor, case=world.case, agency=personas.school)


# People --------------------------------------------------------------------------------------


def test_one_person_may_be_victim_and_suspected_exploiter(personas, world):
    subject = case_subject_add(
        actor=personas.owner, case=world.case, person=world.victim, role="suspected_exploiter"
    )
    assert subject.role == "suspected_exploiter"
    roles = set(
        CaseSubject.objects.filter(case=world.case, person=world.victim).values_list(
            "role", flat=True
        )
    )
    assert roles == {"victim", "suspected_exploiter"}
    assert last_event("case.subject_add").details == {
        "person": str(world.victim.pk),
        "role": "suspected_exploiter",
    }
    with pytest.raises(ValidationError, match="already named as suspected exploiter"):
        case_subject_add(
            actor=personas.owner, case=world.case, person=world.victim, role="suspected_exploiter"
        )


def test_case_subject_add_refuses_unknown_roles_and_unseen_people(personas, world):
    with pytest.raises(ValidationError) as caught:
        case_subject_add(actor=personas.owner, case=world.case, person=world.victim, role="boss")
    assert "role" in caught.value.message_dict
    # Someone named only in a case the owner cannot see.
    hidden_case = make_case(personas.outsider)
    hidden = add_person(personas.outsider, hidden_case, given_name="Hidden")
    with pytest.raises(ValidationError) as caught:
        case_subject_add(actor=personas.owner, case=world.case, person=hidden, role="associate")
    assert caught.value.message_dict == {"person": ["Choose a person you can see"]}
    # A person recorded but linked to nothing yet may be named.
    fresh = PersonFactory()
    assert case_subject_add(actor=personas.owner, case=world.case, person=fresh, role="associate")


def test_case_subject_record_makes_the_person_and_the_link_together(personas, world):
    before = counts()
    subject = case_subject_record(
        actor=personas.owner,
        case=world.case,
        role="suspected_exploiter",
        identity_unknown=True,
        age_estimate=19,
        description="Young man in a red jacket, known as T",
    )
    assert subject.person.identity_unknown
    assert counts()["people"] == before["people"] + 1
    assert last_event("person.create").purpose == f"Named in case {world.case.reference}"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"role": "", "given_name": "A"}, "role"),
        ({"role": "victim"}, "given_name"),
        ({"role": "victim", "given_name": "A", "date_of_birth": date(2999, 1, 1)}, "date_of_birth"),
        ({"role": "victim", "given_name": "x" * 101}, "given_name"),
        ({"role": "victim", "given_name": "A", "age_estimate": 200}, "age_estimate"),
    ],
)
def test_case_subject_record_refuses_bad_input_and_writes_nothing(personas, world, fields, error):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        case_subject_record(actor=personas.owner, case=world.case, **fields)
    assert error in caught.value.message_dict
    assert counts() == before


# Lead and status -----------------------------------------------------------------------------


def test_lead_change_within_the_agency(personas, world):
    case_lead_change(actor=personas.owner, case=world.case, lead_worker=personas.supervisor)
    world.case.refresh_from_db()
    assert world.case.lead_worker == personas.supervisor
    assert CaseTeamUser.objects.filter(case=world.case, user=personas.supervisor).exists()
    assert last_event("case.lead_change").details["lead_worker"] == "supervisor"
    with pytest.raises(ValidationError, match="already leads"):
        case_lead_change(actor=personas.owner, case=world.case, lead_worker=personas.supervisor)


def test_handing_a_case_to_a_partner_agency(personas, world):
    case_lead_change(
        actor=personas.owner,
        case=world.case,
        lead_worker=personas.partner,
        lead_agency=personas.police,
    )
    world.case.refresh_from_db()
    assert (world.case.lead_agency, world.case.lead_worker) == (personas.police, personas.partner)
    agencies = set(CaseTeamAgency.objects.filter(case=world.case).values_list("agency", flat=True))
    assert agencies == {personas.hub.pk}  # the hub stays on as a partner; police now leads


def test_lead_change_refusals(personas, world):
    with pytest.raises(ValidationError, match="no active information sharing agreement"):
        case_lead_change(
            actor=personas.owner,
            case=world.case,
            lead_worker=personas.outsider,
            lead_agency=personas.outsider_agency,
        )
    with pytest.raises(ValidationError, match="not a caseworker or supervisor at"):
        case_lead_change(actor=personas.owner, case=world.case, lead_worker=personas.partner)
    with pytest.raises(ValidationError, match="not a caseworker or supervisor"):
        case_lead_change(actor=personas.owner, case=world.case, lead_worker=personas.auditor)
    with pytest.raises(PermissionDenied):
        case_lead_change(actor=personas.partner, case=world.case, lead_worker=personas.partner)


def test_status_moves_between_open_and_monitoring(personas, world):
    case_status_change(
        actor=personas.owner, case=world.case, status="monitoring", reason="Support in place"
    )
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.MONITORING
    assert last_event("case.status_change").details == {
        "from": "open",
        "to": "monitoring",
        "version": 2,
    }
    assert "Support in place" in world.case.chronology.order_by("-occurred_at").first().text  # type: ignore[union-attr]
    case_status_change(actor=personas.owner, case=world.case, status="open", reason="New signs")
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        ("open", "why", "status"),
        ("closed", "why", "status"),
        ("paused", "why", "status"),
        ("monitoring", "", "reason"),
    ],
)
def test_status_change_refusals(personas, world, status, reason, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        case_status_change(actor=personas.owner, case=world.case, status=status, reason=reason)
    assert field in caught.value.message_dict
    assert counts() == before


def test_a_partner_cannot_change_the_status(personas, world):
    with pytest.raises(PermissionDenied):
        case_status_change(actor=personas.partner, case=world.case, status="monitoring", reason="x")
