"""Working a case: opening one without a referral, notes, the team, the people, the lead and
the status. Every function checks permission (`nestguard.cases.rules`), validates, writes in
one transaction, and adds a chronology event and an audit event.

Interventions are in `interventions.py`, closing and reopening in `closing.py`, opening from
a referral in `opening.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.restrictions import (
    clean_restriction,
    may_change_restriction,
    restriction_change,
)
from nestguard.access.selectors import can_work_cases, partner_agency_ids
from nestguard.accounts.models import Agency
from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.cases import rules
from nestguard.cases.models import (
    Case,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
    CaseTeamUser,
    ChronologyEntry,
    ChronologyKind,
)
from nestguard.cases.services.chronology import chronology_event
from nestguard.cases.services.common import (
    NOTE_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    person_label,
    require,
    require_open,
    text_field,
)
from nestguard.core.models import next_reference
from nestguard.core.versioning import require_version, versioned_save
from nestguard.people.access_policy import visible_people
from nestguard.people.equality import validate_equality
from nestguard.people.models import Person
from nestguard.people.services import (
    person_create,
    person_equality_record,
    validate_person_fields,
)
from nestguard.referrals.models import ReferralSubject, concern_types, subject_roles

EDIT_DENIED = "Only the lead agency's caseworkers and the case team can change this case"


# ---------------------------------------------------------------------------------------------
# Opening a case without a referral


def _concern_codes(errors: dict[str, str], value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        errors["concern_types"] = "Choose at least one type of concern"
        return []
    known = concern_types()
    codes: list[str] = []
    for code in value:
        if not isinstance(code, str) or code not in known:
            errors["concern_types"] = f"{str(code)[:40]!r} is not a type of concern"
            return []
        if code not in codes:
            codes.append(code)
    return codes


def case_create(
    *,
    actor: Any,
    lead_agency: Agency,
    concern_types: list[str],
    summary: str,
) -> Case:
    """Open a case without a referral (a police officer acting on intelligence, a worker who
    sees the signs themselves). The actor's agency leads it and the actor is its lead worker."""
    if not can_work_cases(actor):
        raise PermissionDenied("Only caseworkers and supervisors open cases")
    if lead_agency is None or lead_agency.pk != actor.agency_id:
        raise PermissionDenied("You can open cases only for your own agency")
    errors: dict[str, str] = {}
    codes = _concern_codes(errors, concern_types)
    text = text_field(
        errors,
        "summary",
        summary,
        label="Summary",
        max_length=SUMMARY_MAX,
        required=True,
        missing="Enter a summary of why the case is being opened",
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            reference=next_reference("case", "CASE"),
            summary=text,
            lead_agency=lead_agency,
            lead_worker=actor,
            concern_types=codes,
            opened_at=now,
        )
        CaseTeamUser.objects.create(case=case, user=actor)
        chronology_event(
            case=case,
            text=f"Case opened without a referral by {person_label(actor)}",
            actor=actor,
            occurred_at=now,
        )
        audit_record(actor=actor, action="case.create", obj=case, details={"concerns": codes})
    return case


# ---------------------------------------------------------------------------------------------
# Notes


def case_note_add(
    *, actor: Any, case: Case, text: str, restriction: str | None = None
) -> ChronologyEntry:
    """A worker's note in the chronology. Partner caseworkers on the case may add notes, and
    notes may be added to a closed case (what is learned later still belongs with it).
    `restriction` is a handling restriction code (the default: open to the case team)."""
    require(rules.can_contribute_to_case, actor, case, "You cannot add notes to this case")
    refuse_if_restricted(actor=actor, record=case)
    errors: dict[str, str] = {}
    cleaned = text_field(
        errors, "text", text, label="Note", max_length=NOTE_MAX, required=True,
        missing="Enter the note",
    )  # fmt: skip
    code = clean_restriction(errors, restriction)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ChronologyEntry.objects.create(
            case=case,
            kind=ChronologyKind.NOTE,
            text=cleaned,
            author=actor,
            agency_id=actor.agency_id,
            restriction=code,
        )
        audit_record(
            actor=actor,
            action="case.note_add",
            obj=case,
            details={"characters": len(cleaned), "entry": str(entry.pk), "restriction": code},
        )
    return entry


def chronology_entry_restrict(
    *, actor: Any, entry: ChronologyEntry, restriction: str
) -> ChronologyEntry:
    """Change who may read a note or chronology entry: only users of the agency that
    recorded it (who always still read it themselves), on a case they may see."""
    case = entry.case
    require(rules.can_view_case, actor, case, "You cannot see this case")
    if not may_change_restriction(actor, entry.agency_id):
        raise PermissionDenied("Only the agency that recorded it can change its restriction")
    with transaction.atomic():
        change = restriction_change(entry, restriction)
        if change is not None:
            audit_record(
                actor=actor,
                action="chronology.restrict",
                obj=case,
                details={"entry": str(entry.pk), **change},
            )
    return entry


# ---------------------------------------------------------------------------------------------
# The case team


def _may_share_with(case: Case, agency_id: Any) -> bool:
    return agency_id == case.lead_agency_id or agency_id in partner_agency_ids(case.lead_agency)


def case_team_add_user(*, actor: Any, case: Case, user: Any) -> CaseTeamUser:
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "change its team")
    refuse_if_restricted(actor=actor, record=case)
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError({"user": "Choose a person with an active account"})
    if not can_work_cases(user):
        raise ValidationError({"user": f"{user} is not a caseworker or supervisor"})
    if not _may_share_with(case, user.agency_id):
        raise ValidationError(
            {
                "user": (
                    f"{user.agency} has no active information sharing agreement with "
                    f"{case.lead_agency}, the lead agency, so {user} cannot join this case"
                )
            }
        )
    if CaseTeamUser.objects.filter(case=case, user=user).exists():
        raise ValidationError({"user": f"{user} is already on the case team"})
    with transaction.atomic():
        member = CaseTeamUser.objects.create(case=case, user=user)
        chronology_event(
            case=case,
            text=f"{person_label(user)} joined the case team, added by {actor}",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.team_add",
            obj=case,
            details={"user": user.get_username(), "agency": str(user.agency)},
            basis=disclosure_basis(holders=[case.lead_agency], recipient=user.agency),
        )
    return member


def case_team_remove_user(*, actor: Any, case: Case, user: Any) -> None:
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "change its team")
    member = CaseTeamUser.objects.filter(case=case, user=user).first()
    if member is None:
        raise ValidationError({"user": f"{user} is not on the case team"})
    if case.lead_worker_id == user.pk:
        raise ValidationError(
            {"user": f"{user} is the lead worker: change the lead worker before removing them"}
        )
    with transaction.atomic():
        member.delete()
        chronology_event(
            case=case,
            text=f"{person_label(user)} left the case team, removed by {actor}",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.team_remove",
            obj=case,
            details={"user": user.get_username(), "agency": str(user.agency)},
        )


def case_team_add_agency(*, actor: Any, case: Case, agency: Agency) -> CaseTeamAgency:
    """A partner agency joins the case: its caseworkers then see it. Only an agency with an
    active information sharing agreement with the lead agency can join."""
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "change its team")
    refuse_if_restricted(actor=actor, record=case)
    if agency is None:
        raise ValidationError({"agency": "Choose an agency"})
    if agency.pk == case.lead_agency_id:
        raise ValidationError({"agency": f"{agency} already leads this case"})
    if not agency.active:
        raise ValidationError({"agency": f"{agency} is no longer an active partner agency"})
    if agency.pk not in partner_agency_ids(case.lead_agency):
        raise ValidationError(
            {
                "agency": (
                    f"{agency} has no active information sharing agreement with "
                    f"{case.lead_agency}, the lead agency. Ask your administrator to record "
                    "one before adding them to the case"
                )
            }
        )
    if CaseTeamAgency.objects.filter(case=case, agency=agency).exists():
        raise ValidationError({"agency": f"{agency} is already on the case team"})
    with transaction.atomic():
        member = CaseTeamAgency.objects.create(case=case, agency=agency)
        chronology_event(
            case=case, text=f"{agency} joined the case team, added by {actor}", actor=actor
        )
        audit_record(
            actor=actor,
            action="case.team_add",
            obj=case,
            details={"agency": str(agency)},
            basis=disclosure_basis(holders=[case.lead_agency], recipient=agency),
        )
    return member


def case_team_remove_agency(*, actor: Any, case: Case, agency: Agency) -> None:
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "change its team")
    member = CaseTeamAgency.objects.filter(case=case, agency=agency).first()
    if member is None:
        raise ValidationError({"agency": f"{agency} is not on the case team"})
    with transaction.atomic():
        member.delete()
        chronology_event(
            case=case, text=f"{agency} left the case team, removed by {actor}", actor=actor
        )
        audit_record(
            actor=actor, action="case.team_remove", obj=case, details={"agency": str(agency)}
        )


# ---------------------------------------------------------------------------------------------
# The people in a case


def _role(errors: dict[str, str], role: Any) -> str:
    if not isinstance(role, str) or role not in subject_roles():
        errors["role"] = "Choose the person's role in this case"
        return ""
    return role


def _person_may_be_linked(actor: Any, person: Person) -> bool:
    """A person the actor can see, or one just recorded and not yet linked to anything."""
    if visible_people(actor).filter(pk=person.pk).exists():
        return True
    linked = (
        CaseSubject.objects.filter(person=person).exists()
        or ReferralSubject.objects.filter(person=person).exists()
    )
    return not linked


def case_subject_add(*, actor: Any, case: Case, person: Person, role: str) -> CaseSubject:
    """Name a person in the case in a role. The same person may hold several roles (victim
    and suspected exploiter at once); each person and role is recorded once."""
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "add people")
    refuse_if_restricted(actor=actor, record=case, people=[person.pk])
    errors: dict[str, str] = {}
    role = _role(errors, role)
    if person is None or not isinstance(person, Person) or not person.pk:
        errors["person"] = "Choose a person"
    elif not _person_may_be_linked(actor, person):
        errors["person"] = "Choose a person you can see"
    if errors:
        raise ValidationError(errors)
    if CaseSubject.objects.filter(case=case, person=person, role=role).exists():
        label = subject_roles().label(role).lower()
        raise ValidationError({"role": f"{person} is already named as {label} in this case"})
    with transaction.atomic():
        subject = CaseSubject.objects.create(case=case, person=person, role=role)
        chronology_event(
            case=case,
            text=f"{person} added as {subject_roles().label(role).lower()} by {actor}",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.subject_add",
            obj=case,
            details={"person": str(person.pk), "role": role},
        )
    return subject


def case_subject_record(
    *,
    actor: Any,
    case: Case,
    role: str,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    identity_unknown: bool = False,
    description: str = "",
    equality: dict[str, str] | None = None,
) -> CaseSubject:
    """Record a new person and name them in the case, in one transaction; `equality` holds
    their optional equality monitoring details (`sex`, `gender_identity`, `ethnicity`)."""
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_open(case, "add people")
    refuse_if_restricted(actor=actor, record=case)
    errors: dict[str, str] = {}
    _role(errors, role)
    _clean, person_errors = validate_person_fields(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        age_estimate=age_estimate,
        description=description,
    )
    errors.update(person_errors)
    recorded, equality_errors = validate_equality(equality or {})
    errors.update(equality_errors)
    if not identity_unknown and not (_clean["given_name"] or _clean["family_name"]):
        errors.setdefault("given_name", "Enter the person's name, or record them as unknown")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = person_create(
            actor=actor,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            age_estimate=age_estimate,
            identity_unknown=identity_unknown,
            description=description,
            purpose=f"Named in case {case.reference}",
        )
        subject = case_subject_add(actor=actor, case=case, person=person, role=role)
        if any(recorded.values()):
            person_equality_record(
                actor=actor, person=person, purpose=f"Named in case {case.reference}", **recorded
            )
        return subject


# ---------------------------------------------------------------------------------------------
# Lead and status


def case_lead_change(
    *,
    actor: Any,
    case: Case,
    lead_worker: Any,
    lead_agency: Agency | None = None,
    expected_version: int | None = None,
) -> Case:
    """Hand the case to another worker, or to a partner agency under an active agreement.
    The new lead worker joins the team; an agency handing over stays on the team.
    `expected_version`: the case's version the editor started from (core.versioning)."""
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_version(case, expected_version)
    require_open(case, "change its lead")
    refuse_if_restricted(actor=actor, record=case)
    old_agency = case.lead_agency
    new_agency = lead_agency or old_agency
    errors: dict[str, str] = {}
    if new_agency.pk != old_agency.pk and new_agency.pk not in partner_agency_ids(old_agency):
        errors["lead_agency"] = (
            f"{new_agency} has no active information sharing agreement with {old_agency}, "
            "so the case cannot be handed to them"
        )
    if lead_worker is None or not getattr(lead_worker, "is_active", False):
        errors["lead_worker"] = "Choose a lead worker with an active account"
    elif not can_work_cases(lead_worker) or lead_worker.agency_id != new_agency.pk:
        errors["lead_worker"] = f"{lead_worker} is not a caseworker or supervisor at {new_agency}"
    if not errors and new_agency.pk == old_agency.pk and lead_worker.pk == case.lead_worker_id:
        errors["lead_worker"] = f"{lead_worker} already leads this case"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), versioned_save(case, actor=actor, expected_version=expected_version):
        case.lead_agency = new_agency
        case.lead_worker = lead_worker
        case.save(update_fields=["lead_agency", "lead_worker", "updated_at"])
        CaseTeamUser.objects.get_or_create(case=case, user=lead_worker)
        if new_agency.pk != old_agency.pk:
            CaseTeamAgency.objects.filter(case=case, agency=new_agency).delete()
            CaseTeamAgency.objects.get_or_create(case=case, agency=old_agency)
        chronology_event(
            case=case,
            text=f"Lead changed to {person_label(lead_worker)} by {actor}"
            + (f"; handed over from {old_agency}" if new_agency.pk != old_agency.pk else ""),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.lead_change",
            obj=case,
            details={
                "lead_worker": lead_worker.get_username(),
                "lead_agency": str(new_agency),
                "previous_agency": str(old_agency),
                "version": case.version,
            },
            basis=disclosure_basis(holders=[old_agency], recipient=new_agency),
        )
    return case


CHANGEABLE_STATUSES = (CaseStatus.OPEN, CaseStatus.MONITORING)


def case_status_change(
    *,
    actor: Any,
    case: Case,
    status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Between open and monitoring. Closing has its own service (`case_close`)."""
    require(rules.can_edit_case, actor, case, EDIT_DENIED)
    require_version(case, expected_version)
    require_open(case, "change its status")
    refuse_if_restricted(actor=actor, record=case)
    errors: dict[str, str] = {}
    if status not in CHANGEABLE_STATUSES:
        errors["status"] = "Choose open or monitoring (close a case from its closing page)"
    elif status == case.status:
        errors["status"] = f"The case is already {CaseStatus(status).label.lower()}"
    cleaned = text_field(
        errors, "reason", reason, label="Reason", max_length=REASON_MAX, required=True,
        missing="Enter the reason for the change",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    previous = case.status
    with transaction.atomic(), versioned_save(case, actor=actor, expected_version=expected_version):
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        chronology_event(
            case=case,
            text=(
                f"Status changed from {CaseStatus(previous).label.lower()} to "
                f"{CaseStatus(status).label.lower()} by {actor}: {cleaned}"
            ),
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="case.status_change",
            obj=case,
            details={"from": previous, "to": status, "version": case.version},
        )
    return case
