"""The one write path of the enforcement record: `enforcement_action_record`.

It checks everything the ladder's rules say about a step before writing anything: who may
take it, that it is in force, what it must follow (a CPN needs an earlier CPW to the same
person whose time to deal with the matter has ended), its clocks (a closure order made after
the hearing deadline is refused; an extension never goes beyond 6 months in total), then
writes the step, the deadlines the rules give it (with their sources), marks the earlier
deadlines it meets, notes it on the linked case and records the audit event, in one
transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.core.calendar import UK
from nestguard.core.forms import clean_text
from nestguard.core.models import next_reference
from nestguard.enforcement import periods, selectors
from nestguard.enforcement.access_policy import visible_actions
from nestguard.enforcement.ladder import Ladder, Step, ladder, step_deadlines
from nestguard.enforcement.models import EnforcementAction, EnforcementDeadline, Scope
from nestguard.enforcement.rules import is_enforcement_officer, issuers_for
from nestguard.people.models import Person
from nestguard.places.models import Address

CONDUCT_MAX = 2000
NOTES_MAX = 5000
PART_MAX = 1000
# Part 4 of the 2014 Act (closures, CPNs) came into force on 20 October 2014.
EARLIEST = datetime(2014, 10, 20, tzinfo=UK)
# A clock a little fast on the recording device is not a step "in the future".
CLOCK_SKEW = timedelta(minutes=5)
COMPLY_BY_MAX = timedelta(days=366)


def _text(errors: dict[str, str], name: str, value: Any, label: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = f"{label} must be text"
        return ""
    try:
        cleaned = clean_text(value, label=label)
    except ValidationError as exc:
        errors[name] = exc.messages[0]
        return ""
    if len(cleaned) > limit:
        errors[name] = f"{label} must be {limit:,} characters or fewer"
        return ""
    return cleaned


def _moment(errors: dict[str, str], name: str, value: Any, label: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, datetime):
        errors[name] = f"{label} must be a real date and time"
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UK)
    return value


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UK):%-d %B %Y at %H:%M}"


def _open_deadline(action: EnforcementAction, code: str) -> EnforcementDeadline | None:
    return EnforcementDeadline.objects.filter(action=action, code=code).first()


def _check_parent(
    errors: dict[str, str],
    *,
    step: Step,
    parent: EnforcementAction | None,
    address: Address,
    person: Person | None,
    taken_at: datetime | None,
    issuer_body: str,
    rules: Ladder,
) -> None:
    if not step.parents:
        if parent is not None:
            errors["parent"] = f"A {step.label} does not follow an earlier step"
        return
    wanted = " or ".join(rules.step(p).label for p in step.parents)
    if parent is None:
        if step.code == "cpn":
            errors["parent"] = (
                "A Community Protection Notice needs an earlier Community Protection Warning "
                "to the same person for the same conduct (ASBCPA 2014 s.43(5)): record the "
                "warning first"
            )
        else:
            errors["parent"] = f"A {step.label} follows a {wanted}: choose it"
        return
    if parent.step not in step.parents or parent.address_id != address.pk:
        errors["parent"] = f"A {step.label} follows a {wanted} at this address"
        return
    if step.same_person_as_parent and person is not None and parent.person_id != person.pk:
        errors["person"] = (
            f"{parent.reference} was given to {parent.person}: a {step.label} goes to the same "
            "person, for the same conduct"
        )
    if step.same_body_as_parent and issuer_body:
        parent_body = rules.issuers[parent.issuer].body if parent.issuer in rules.issuers else ""
        if parent_body and parent_body != issuer_body:
            errors["issuer"] = (
                f"{parent.reference} was issued by the {parent_body.replace('_', ' ')}: the "
                "application is made by the same body (ASBCPA 2014 s.80(2))"
            )
    if taken_at is None:
        return
    if taken_at < parent.taken_at:
        errors["taken_at"] = f"It must come after {parent.reference} ({_when(parent.taken_at)})"
        return
    if step.after_parent_deadline:
        deadline = _open_deadline(parent, step.after_parent_deadline)
        if deadline is not None and taken_at < deadline.due_at:
            errors["taken_at"] = (
                f"The warning {parent.reference} gave until {_when(deadline.due_at)} to deal with "
                f"the matter (ASBCPA 2014 s.43(5)(b)): a notice cannot be issued before then"
            )
    if step.parent_issuers and parent.issuer not in step.parent_issuers:
        errors["parent"] = (
            f"{parent.reference} already runs for 48 hours: only a 24-hour notice is extended "
            f"({step.source.citation})"
        )
    if step.before_parent_deadline:
        deadline = _open_deadline(parent, step.before_parent_deadline)
        if deadline is not None and taken_at >= deadline.due_at:
            errors["taken_at"] = (
                f"{parent.reference} ended at {_when(deadline.due_at)}: it can only be extended "
                f"before then ({step.source.citation})"
            )
    if step.within_parent_deadline:
        deadline = _open_deadline(parent, step.within_parent_deadline)
        if deadline is not None and taken_at > deadline.due_at:
            errors["taken_at"] = (
                f"The hearing had to be by {_when(deadline.due_at)} ({deadline.rule}; "
                f"{deadline.source_citation}): this hearing on {_when(taken_at)} is after "
                "the deadline"
            )


def consuming_steps(code: str, options: tuple[str, ...]) -> list[str]:
    """Which later steps use up the chance to take `code` after the same earlier step: a notice
    is extended once, and heard (an order or an adjournment) once, the two independently."""
    if code == "closure_notice_extension":
        return [code]
    return [o for o in options if o != "closure_notice_extension"]


def _followed_already(step: Step, parent: EnforcementAction) -> str:
    if step.code in ("closure_order_extension", "closure_order_discharge"):
        return ""
    siblings = EnforcementAction.objects.filter(
        parent=parent, step__in=consuming_steps(step.code, ladder().step(parent.step).next)
    )
    first = siblings.first()
    if first is None:
        return ""
    return f"{parent.reference} has already been followed by {first.reference}"


def _check_order_clock(
    errors: dict[str, str],
    *,
    step: Step,
    parent: EnforcementAction,
    taken_at: datetime,
    ends_at: datetime | None,
) -> None:
    followers = list(parent.children.all())
    current, discharged = selectors.order_state(parent, followers)
    if discharged:
        errors["parent"] = f"The closure order {parent.reference} has been discharged"
        return
    if current is None or taken_at >= current:
        label = (
            "An extension must be applied for"
            if step.code.endswith("extension")
            else ("A discharge must be made")
        )
        errors["taken_at"] = (
            f"{label} before the order ends ({_when(current) if current else 'unknown'}; "
            f"{step.source.citation})"
        )
        return
    if step.code != "closure_order_extension" or ends_at is None:
        return
    if ends_at <= current:
        errors["ends_at"] = f"The new end must be after the current end, {_when(current)}"
        return
    if step.max_extension is not None:
        latest = periods.add_calendar_months(current, step.max_extension.months)
        if ends_at > latest:
            errors["ends_at"] = (
                f"{step.max_extension.rule} ({step.max_extension.source.citation}): "
                f"no later than {_when(latest)}"
            )
            return
    if step.max_total is not None:
        latest = periods.add_calendar_months(parent.taken_at, step.max_total.months)
        if ends_at > latest:
            errors["ends_at"] = (
                f"An extension past six months in total is refused: {step.max_total.rule.lower()} "
                f"({step.max_total.source.citation}), so no later than {_when(latest)}"
            )


def _age_on(person: Person, day: date) -> int | None:
    return person.age_on(day)


def enforcement_action_record(
    *,
    actor: Any,
    address: Address,
    step: str,
    taken_at: datetime | None,
    issuer: str,
    person: Person | None = None,
    case: Any = None,
    parent: EnforcementAction | None = None,
    conduct: str = "",
    notes: str = "",
    scope: str = "",
    part_description: str = "",
    comply_by: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> EnforcementAction:
    """Record one step of the enforcement ladder at an address."""
    if not is_enforcement_officer(actor):
        raise PermissionDenied(
            "Only caseworkers and supervisors of the police, the local authority and housing "
            "providers record enforcement"
        )
    refuse_if_restricted(
        actor=actor,
        people=[person.pk] if person else (),
        records=[r for r in (case, parent) if r is not None],
    )
    rules = ladder()
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not isinstance(step, str) or step not in rules.steps:
        raise ValidationError({"step": "Choose a step of the enforcement ladder"})
    the_step = rules.step(step)

    taken = _moment(errors, "taken_at", taken_at, "The date and time")
    if taken is None and "taken_at" not in errors:
        errors["taken_at"] = "Enter the date and time the step was taken"
    elif taken is not None:
        if taken > now + CLOCK_SKEW:
            errors["taken_at"] = "The date and time must be now or in the past"
        elif taken < EARLIEST:
            errors["taken_at"] = f"The date and time must be after {_when(EARLIEST)}"
        elif not the_step.in_force_on(taken.astimezone(UK).date()):
            errors["step"] = (
                f"The {the_step.label} is not in force on {taken.astimezone(UK):%-d %B %Y}: "
                + (
                    f"it commences on {the_step.commencement:%-d %B %Y}"
                    if the_step.commencement
                    else "its commencement date is not set (Crime and Policing Act 2026)"
                )
            )

    allowed = issuers_for(actor, the_step)
    issuer_body = ""
    if issuer not in the_step.issuers:
        errors["issuer"] = f"Choose who issued the {the_step.label}"
    elif issuer not in allowed:
        errors["issuer"] = (
            f"{rules.issuers[issuer].label} is not a rank your agency holds; "
            f"yours: {', '.join(rules.issuers[i].label for i in allowed) or 'none for this step'}"
        )
    else:
        issuer_body = rules.issuers[issuer].body

    if parent is not None and not visible_actions(actor).filter(pk=parent.pk).exists():
        parent = None
        errors["parent"] = "Choose an earlier step you can see at this address"
    if parent is not None and person is None and the_step.same_person_as_parent:
        person = parent.person
    if the_step.subject == "person":
        if person is None:
            errors["person"] = f"Choose the person the {the_step.label} is given to"
        elif not selectors.person_allowed(actor, address, person):
            errors["person"] = "Choose a person linked to this address"
        elif the_step.min_age is not None and taken is not None:
            age = _age_on(person, taken.astimezone(UK).date())
            if age is not None and age < the_step.min_age:
                errors["person"] = (
                    f"{person} was {age} on that day: a {the_step.label} is for people aged "
                    f"{the_step.min_age} or over ({the_step.source.citation})"
                )
    elif person is not None and not selectors.person_allowed(actor, address, person):
        errors["person"] = "Choose a person linked to this address"

    if case is not None and not visible_cases(actor).filter(pk=case.pk).exists():
        errors["case"] = "Choose a case you can see"

    if "parent" not in errors:
        _check_parent(
            errors,
            step=the_step,
            parent=parent,
            address=address,
            person=person,
            taken_at=taken,
            issuer_body=issuer_body,
            rules=rules,
        )
    if parent is not None and "parent" not in errors:
        followed = _followed_already(the_step, parent)
        if followed:
            errors["parent"] = followed

    clean_conduct = _text(errors, "conduct", conduct, "Conduct", CONDUCT_MAX)
    if the_step.code == "cpn" and not clean_conduct and parent is not None:
        clean_conduct = parent.conduct  # the same conduct as the warning
    if the_step.needs_conduct and not clean_conduct and "conduct" not in errors:
        errors["conduct"] = f"Describe the conduct the {the_step.label} is about"
    clean_notes = _text(errors, "notes", notes, "Notes", NOTES_MAX)
    clean_part = _text(errors, "part_description", part_description, "The part", PART_MAX)
    if the_step.needs_scope:
        if scope not in Scope.values:
            errors["scope"] = "Choose whether the order covers the whole or part of the premises"
        elif scope == Scope.PART and not clean_part and "part_description" not in errors:
            errors["part_description"] = "Describe the part of the premises the order covers"
    elif scope:
        errors["scope"] = f"A {the_step.label} has no whole-or-part scope"

    comply = _moment(errors, "comply_by", comply_by, "The date to deal with the matter by")
    if the_step.code == "cpw":
        if comply is None and "comply_by" not in errors:
            errors["comply_by"] = "Enter the date the warning gives to deal with the matter"
        elif comply is not None and taken is not None:
            if comply <= taken:
                errors["comply_by"] = "The time to deal with the matter must end after the warning"
            elif comply > taken + COMPLY_BY_MAX:
                errors["comply_by"] = "The time to deal with the matter must end within a year"
    elif comply is not None:
        errors["comply_by"] = f"A {the_step.label} has no time to deal with the matter"

    ends = _moment(errors, "ends_at", ends_at, "The end")
    ends_used = the_step.needs_ends_at or any(d.field == "ends_at" for d in the_step.deadlines)
    if the_step.needs_ends_at and ends is None and "ends_at" not in errors:
        errors["ends_at"] = f"Enter when the {the_step.label} ends"
    elif ends is not None and not ends_used:
        errors["ends_at"] = f"A {the_step.label} has no end date"
    elif ends is not None and taken is not None:
        if ends <= taken:
            errors["ends_at"] = "The end must be after the date and time the step was taken"
        elif the_step.max_period is not None:
            latest = periods.add_calendar_months(taken, the_step.max_period.months)
            if ends > latest:
                errors["ends_at"] = (
                    f"{the_step.max_period.rule} ({the_step.max_period.source.citation}): "
                    f"no later than {_when(latest)}"
                )
    if (
        the_step.under_18_max_months
        and person is not None
        and taken is not None
        and "person" not in errors
    ):
        age = _age_on(person, taken.astimezone(UK).date())
        if age is not None and age < 18:
            latest = periods.add_calendar_months(taken, the_step.under_18_max_months)
            if ends is None:
                errors["ends_at"] = "For a respondent under 18, enter when the injunction ends"
            elif ends > latest:
                errors["ends_at"] = (
                    f"For a respondent under 18 an injunction lasts at most "
                    f"{the_step.under_18_max_months} months: no later than {_when(latest)}"
                )

    if (
        the_step.before_order_expiry
        and parent is not None
        and taken is not None
        and not errors.get("parent")
    ):
        _check_order_clock(errors, step=the_step, parent=parent, taken_at=taken, ends_at=ends)

    if errors:
        raise ValidationError(errors)
    assert taken is not None
    return _write(
        actor=actor,
        address=address,
        step=the_step,
        taken_at=taken,
        issuer=issuer,
        person=person,
        case=case,
        parent=parent,
        conduct=clean_conduct,
        notes=clean_notes,
        scope=scope,
        part_description=clean_part if scope == Scope.PART else "",
        comply_by=comply,
        ends_at=ends,
        rules=rules,
    )


def _supersede(parent: EnforcementAction, action: EnforcementAction, step: Step) -> None:
    """Mark the earlier deadlines this step meets: the hearing an order or adjournment was
    heard in; the order's current end an extension or discharge replaces."""
    open_rows = EnforcementDeadline.objects.filter(met_at__isnull=True)
    met = [d.pk for d in open_rows.filter(action=parent) if step.code in _met_by(parent, d.code)]
    if step.code == "closure_notice_extension":
        met += list(open_rows.filter(action=parent, code="expires").values_list("pk", flat=True))
    if step.code in ("closure_order_extension", "closure_order_discharge"):
        met += list(
            open_rows.filter(code="expires")
            .filter(action__in=[parent, *parent.children.exclude(pk=action.pk)])
            .values_list("pk", flat=True)
        )
    EnforcementDeadline.objects.filter(pk__in=met).update(met_at=action.taken_at, met_by=action)


def _met_by(action: EnforcementAction, code: str) -> tuple[str, ...]:
    step = ladder().steps.get(action.step)
    rule = step.deadline(code) if step else None
    return rule.met_by if rule else ()


def _write(
    *,
    actor: Any,
    address: Address,
    step: Step,
    taken_at: datetime,
    issuer: str,
    person: Person | None,
    case: Any,
    parent: EnforcementAction | None,
    conduct: str,
    notes: str,
    scope: str,
    part_description: str,
    comply_by: datetime | None,
    ends_at: datetime | None,
    rules: Ladder,
) -> EnforcementAction:
    with transaction.atomic():
        action = EnforcementAction.objects.create(
            reference=next_reference("enforcement", "ENF"),
            address=address,
            step=step.code,
            person=person,
            case=case,
            parent=parent,
            taken_at=taken_at,
            issuer=issuer,
            agency=actor.agency,
            recorded_by=actor,
            conduct=conduct,
            notes=notes,
            scope=scope,
            part_description=part_description,
            comply_by=comply_by,
            ends_at=ends_at,
            rules_version=rules.version,
        )
        deadlines = step_deadlines(
            step,
            taken_at,
            issuer=issuer,
            recorded={"comply_by": comply_by, "ends_at": ends_at},
            parent_at=parent.taken_at if parent is not None else None,
        )
        EnforcementDeadline.objects.bulk_create(
            EnforcementDeadline(
                action=action,
                code=d.code,
                label=d.label,
                due_at=d.due_at,
                rule=d.rule,
                source=d.source.as_dict(),
                note=d.note[:300],
                on_passing=d.on_passing,
            )
            for d in deadlines
            if d.due_at is not None
        )
        if parent is not None:
            _supersede(parent, action, step)
        if case is not None:
            from nestguard.cases.services.chronology import chronology_event

            chronology_event(
                case=case,
                text=f"Enforcement: {step.label} {action.reference} at {address.one_line}",
                actor=actor,
                occurred_at=taken_at,
            )
        audit_record(
            actor=actor,
            action="enforcement.record",
            obj=action,
            details={
                "step": step.code,
                "address": str(address.pk),
                "person": str(person.pk) if person else "",
                "case": case.reference if case is not None else "",
                "parent": parent.reference if parent else "",
                "issuer": issuer,
                "rules_version": rules.version,
            },
        )
    return action
