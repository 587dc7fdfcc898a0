"""Missing episodes: the report, the return, the safe and well check, the return interview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case
from nestguard.cases.services.chronology import chronology_event
from nestguard.core.calendar import UK
from nestguard.core.models import next_reference
from nestguard.pathways import policy, rules
from nestguard.pathways.models import MissingEpisode, ReturnInterview
from nestguard.pathways.services.common import (
    SHORT_MAX,
    TEXT_MAX,
    check_case_link,
    code,
    code_set,
    moment,
    text_field,
)
from nestguard.people.models import Person
from nestguard.places.services import address_resolve, validate_address_fields


def _when(value: datetime) -> str:
    return f"{value.astimezone(UK):%-d %B %Y at %H:%M}"


def _check_report_type(errors: dict[str, Any], report_type: str, risk_grade: str) -> None:
    """APP: 'absent' is the no-apparent-risk end of the continuum; graded risk means missing."""
    if report_type and risk_grade:
        expected = policy.codes("missing_risk_grades").get(risk_grade)["report_type"]
        if expected != report_type:
            errors["risk_grade"] = (
                "An absent person has no apparent risk; a missing person is graded low, "
                "medium or high risk"
            )


def _check_care(errors: dict[str, Any], category: str, care_status: str) -> None:
    if category and care_status:
        needs_care = policy.codes("missing_categories").get(category).get("looked_after", False)
        if needs_care and care_status != "looked_after":
            label = policy.codes("missing_categories").label(category)
            errors["care_status"] = f"'{label}' is for a looked-after child: check the care status"


def missing_episode_record(
    *,
    actor: Any,
    person: Person,
    case: Case | None = None,
    report_type: str,
    risk_grade: str,
    category: str,
    care_status: str,
    started_at: datetime,
    reported_at: datetime | None = None,
    police_reference: str = "",
    circumstances: str = "",
) -> MissingEpisode:
    """Record that a person was reported missing or absent. One episode is open at a time per
    person: record the return of the last one first."""
    if not rules.can_record_missing(actor, person):
        raise PermissionDenied("You cannot record a missing episode for this person")
    if case is not None and not visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("You cannot see this case")
    refuse_if_restricted(actor=actor, people=[person.pk], records=[case] if case else ())
    errors: dict[str, Any] = {}
    report_type = code(
        errors, "report_type", report_type, policy.codes("report_types"),
        "Choose whether they were reported missing or absent",
    )  # fmt: skip
    risk_grade = code(
        errors, "risk_grade", risk_grade, policy.codes("missing_risk_grades"),
        "Choose the police risk grade",
    )  # fmt: skip
    category = code(
        errors, "category", category, policy.codes("missing_categories"),
        "Choose the kind of episode",
    )  # fmt: skip
    care_status = code(
        errors, "care_status", care_status, policy.codes("care_statuses"),
        "Choose their care status",
    )  # fmt: skip
    _check_report_type(errors, report_type, risk_grade)
    _check_care(errors, category, care_status)
    started = moment(
        errors, "started_at", started_at, label="time they went missing", required=True
    )
    reported = moment(
        errors, "reported_at", reported_at, label="time it was reported", required=False,
        not_before=started, not_before_label="time they went missing",
    )  # fmt: skip
    police_ref = text_field(
        errors, "police_reference", police_reference, label="Police reference",
        max_length=40, required=False,
    )  # fmt: skip
    circumstances = text_field(
        errors, "circumstances", circumstances, label="Circumstances",
        max_length=TEXT_MAX, required=False,
    )  # fmt: skip
    check_case_link(errors, case, person)
    still_open = MissingEpisode.objects.filter(person=person, returned_at__isnull=True).first()
    if still_open is not None:
        errors["started_at"] = (
            f"{person.display_name} is still missing in episode {still_open.reference}: "
            "record their return first"
        )
    if errors:
        raise ValidationError(errors)
    assert started is not None
    values = {
        "person": person,
        "case": case,
        "recorded_by": actor,
        "recording_agency": actor.agency,
        "report_type": report_type,
        "risk_grade": risk_grade,
        "category": category,
        "care_status": care_status,
        "age_at_start": person.age_on(started.astimezone(UK).date()),
        "started_at": started,
        "reported_at": reported or started,
        "police_reference": police_ref,
        "circumstances": circumstances,
    }
    try:
        return _write_episode(actor, values)
    except IntegrityError:  # another report for them landed first
        raise ValidationError(
            {"started_at": f"{person.display_name} is already recorded as missing"}
        ) from None


def _write_episode(actor: Any, values: dict[str, Any]) -> MissingEpisode:
    with transaction.atomic():
        episode = MissingEpisode.objects.create(
            reference=next_reference("missing_episode", "MISS"), **values
        )
        person, case = episode.person, episode.case
        grade = policy.codes("missing_risk_grades").label(episode.risk_grade)
        if case is not None:
            chronology_event(
                case=case,
                actor=actor,
                occurred_at=episode.started_at,
                text=(
                    f"{person.display_name} reported {episode.report_type} ({grade.lower()}) "
                    f"from {_when(episode.started_at)}: episode {episode.reference}"
                ),
            )
        audit_record(
            actor=actor,
            action="missing_episode.record",
            obj=episode,
            details={
                "person": str(person.pk),
                "case": case.reference if case else "",
                "risk_grade": episode.risk_grade,
                "category": episode.category,
            },
        )
    return episode


def harm_codes(errors: dict[str, Any], harm: Any) -> list[str]:
    """The harm codes in the list's order; "none" and "not_known" only on their own."""
    kinds = policy.codes("harm_kinds")
    if harm is None:
        return []
    if not isinstance(harm, list | tuple) or any(k not in kinds for k in harm):
        errors["harm"] = "Choose what happened during the episode from the list"
        return []
    chosen = [c.code for c in kinds.codes if c.code in harm]
    alone = [k for k in chosen if kinds.get(k).get("exclusive")]
    if alone and len(chosen) > 1:
        errors["harm"] = (
            f"Choose '{kinds.label(alone[0])}' on its own, or only the harm that happened"
        )
        return []
    return chosen


FOUND_ADDRESS = "found_address_"


def _found_address(errors: dict[str, Any], **given: Any) -> dict[str, str] | None:
    """The address where they were found, checked as the register checks a typed address
    (optional: nothing typed is no address); its errors go on `found_address_<field>`."""
    if not any(isinstance(v, str) and v.strip() for v in given.values()):
        return None
    clean, found_errors = validate_address_fields(**given)
    for name, message in found_errors.items():
        errors[FOUND_ADDRESS + name] = message
    return None if found_errors else clean


def missing_episode_return(
    *,
    actor: Any,
    episode: MissingEpisode,
    returned_at: datetime,
    found_by: str,
    found_location: str = "",
    found_address_line1: str = "",
    found_address_line2: str = "",
    found_address_town: str = "",
    found_address_postcode: str = "",
    safe_and_well_at: datetime | None = None,
    safe_and_well_by: str = "",
    harm: list[str] | None = None,
    harm_details: str = "",
) -> MissingEpisode:
    """Record the return: when, where found and by whom, the safe and well check, and what
    harm came to them (codes of data/harm_kinds.json; none given is "not recorded"). The
    return starts the return home interview clock."""
    if not rules.can_update_episode(actor, episode):
        raise PermissionDenied("You cannot update this episode")
    refuse_if_restricted(actor=actor, record=episode)
    errors: dict[str, Any] = {}
    if episode.returned_at is not None:
        raise ValidationError(
            {"returned_at": f"The return was recorded: {_when(episode.returned_at)}"}
        )
    returned = moment(
        errors, "returned_at", returned_at, label="time they returned", required=True,
        not_before=episode.started_at, not_before_label="time they went missing",
    )  # fmt: skip
    found_by = code(errors, "found_by", found_by, policy.codes("found_by"), "Choose who found them")
    location = text_field(
        errors, "found_location", found_location, label="Where they were found",
        max_length=SHORT_MAX, required=False,
    )  # fmt: skip
    found_at = _found_address(
        errors,
        line1=found_address_line1,
        line2=found_address_line2,
        town=found_address_town,
        postcode=found_address_postcode,
    )
    check_at = moment(
        errors, "safe_and_well_at", safe_and_well_at, label="time of the safe and well check",
        required=False, not_before=returned, not_before_label="time they returned",
    )  # fmt: skip
    check_by = text_field(
        errors, "safe_and_well_by", safe_and_well_by, label="Who did the safe and well check",
        max_length=SHORT_MAX, required=False,
    )  # fmt: skip
    if check_by and not check_at and "safe_and_well_at" not in errors:
        errors["safe_and_well_at"] = "Enter the time of the safe and well check"
    kinds = harm_codes(errors, harm)
    needs_details = any(policy.codes("harm_kinds").get(k).get("details_required") for k in kinds)
    details = text_field(
        errors, "harm_details", harm_details, label="What harm", max_length=TEXT_MAX,
        required=needs_details, missing="Describe the other harm they came to",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    assert returned is not None
    with transaction.atomic():
        episode.returned_at = returned
        episode.found_by = found_by
        episode.found_location = location
        if found_at is not None:
            episode.found_address = address_resolve(actor=actor, **found_at)
        episode.safe_and_well_at = check_at
        episode.safe_and_well_by = check_by
        episode.harm = kinds
        episode.harm_details = details
        episode.save()
        if episode.case_id:
            chronology_event(
                case=episode.case,  # type: ignore[arg-type]
                actor=actor,
                occurred_at=returned,
                text=(
                    f"{episode.person.display_name} returned {_when(returned)} (episode "
                    f"{episode.reference}); found by "
                    f"{policy.codes('found_by').label(found_by).lower()}"
                ),
            )
        audit_record(
            actor=actor,
            action="missing_episode.return",
            obj=episode,
            details={
                "found_by": found_by,
                "harm": kinds,
                "found_address": str(episode.found_address_id or ""),
            },
        )
    return episode


def return_interview_record(
    *,
    actor: Any,
    episode: MissingEpisode,
    outcome: str,
    offered_at: datetime,
    completed_at: datetime | None = None,
    interviewer: str = "",
    interviewer_independent: bool = False,
    themes: list[str] | tuple[str, ...] = (),
    where_they_were: str = "",
    who_with: str = "",
    exploitation_signs: str = "",
    reason_not_held: str = "",
) -> ReturnInterview:
    """Record the return home interview: offered (the clock runs), then completed, declined
    by the child, or not held for a recorded reason (each of which stops the clock)."""
    if not rules.can_update_episode(actor, episode):
        raise PermissionDenied("You cannot update this episode")
    refuse_if_restricted(actor=actor, record=episode)
    if episode.returned_at is None:
        raise ValidationError({"outcome": "Record their return before the return interview"})
    existing = ReturnInterview.objects.filter(episode=episode).first()
    outcomes = policy.codes("rhi_outcomes")
    if existing is not None and outcomes.get(existing.outcome).get("closes_clock"):
        done = outcomes.label(existing.outcome).lower()
        raise ValidationError({"outcome": f"The return interview is already recorded: {done}"})
    errors: dict[str, Any] = {}
    outcome = code(errors, "outcome", outcome, outcomes, "Choose what happened to the interview")
    offered = moment(
        errors, "offered_at", offered_at, label="time it was offered", required=True,
        not_before=episode.returned_at, not_before_label="time they returned",
    )  # fmt: skip
    completed = None
    if outcome == "completed":
        completed = moment(
            errors, "completed_at", completed_at, label="time it was completed", required=True,
            not_before=offered, not_before_label="time it was offered",
        )  # fmt: skip
    elif completed_at not in (None, ""):
        errors["completed_at"] = "Leave the completion time empty unless it was completed"
    who = text_field(
        errors, "interviewer", interviewer, label="Interviewer", max_length=SHORT_MAX,
        required=outcome == "completed", missing="Enter who held the interview",
    )  # fmt: skip
    if not isinstance(interviewer_independent, bool):
        errors["interviewer_independent"] = "Say whether the interviewer was independent"
    theme_codes = code_set(
        errors, "themes", list(themes), policy.codes("rhi_themes"), missing="Choose the themes"
    )
    if theme_codes and outcome != "completed":
        errors["themes"] = "Themes come from a completed interview"
    texts = {}
    for field, value, label in (
        ("where_they_were", where_they_were, "Where they were"),
        ("who_with", who_with, "Who they were with"),
        ("exploitation_signs", exploitation_signs, "Signs of exploitation"),
    ):
        texts[field] = text_field(
            errors, field, value, label=label, max_length=TEXT_MAX, required=False
        )
    reason = text_field(
        errors, "reason_not_held", reason_not_held, label="Reason", max_length=TEXT_MAX,
        required=outcome == "not_conducted",
        missing="Record why it was decided not to hold the interview",
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        values = {
            "outcome": outcome,
            "offered_at": offered,
            "completed_at": completed,
            "interviewer": who,
            "interviewer_independent": interviewer_independent,
            "themes": theme_codes,
            "reason_not_held": reason,
            "recorded_by": actor,
            **texts,
        }
        interview, _ = ReturnInterview.objects.update_or_create(episode=episode, defaults=values)
        # The episode says whether its clock is closed, for the index the due view and the
        # overdue notices read (decision 0121); written here and by nothing else.
        episode.rhi_clock_closed = bool(outcomes.get(outcome).get("closes_clock"))
        episode.save(update_fields=["rhi_clock_closed"])
        if episode.case_id:
            due = episode.rhi_due_at(policy.rhi_hours())
            late = " (later than the 72-hour rule)" if completed and due and completed > due else ""
            chronology_event(
                case=episode.case,  # type: ignore[arg-type]
                actor=actor,
                text=(
                    f"Return home interview for episode {episode.reference}: "
                    f"{outcomes.label(outcome).lower()}{late}"
                ),
            )
        audit_record(
            actor=actor,
            action="return_interview.record",
            obj=episode,
            details={"outcome": outcome, "themes": theme_codes},
        )
    return interview


def open_interview_due(episode: MissingEpisode) -> datetime | None:
    """When the return interview is due, while it is still to be done."""
    due = episode.rhi_due_at(policy.rhi_hours())
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if due is None or (
        interview and policy.codes("rhi_outcomes").get(interview.outcome).get("closes_clock")
    ):
        return None
    return due
