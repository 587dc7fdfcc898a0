"""Every write to people and their aliases. Each call is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.access.restricted_writes import refuse_if_restricted
from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.people.equality import EQUALITY_FIELDS, validate_equality
from nestguard.people.models import Alias, Person

EARLIEST_BIRTH = date(1900, 1, 1)
MAX_AGE = 120


def _text(errors: dict[str, str], field: str, value: Any, label: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = f"{label} must be text"
        return ""
    try:
        cleaned = clean_text(value, label=label)
    except ValidationError as exc:
        errors[field] = exc.messages[0]
        return ""
    if len(cleaned) > max_length:
        errors[field] = f"{label} must be {max_length} characters or fewer"
    return cleaned


def validate_person_fields(
    *,
    given_name: Any = "",
    family_name: Any = "",
    date_of_birth: Any = None,
    age_estimate: Any = None,
    description: Any = "",
    aliases: Iterable[Any] = (),
    alias_max_length: int = 200,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Shape checks shared with the referral's people section: (clean values, errors)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "given_name": _text(errors, "given_name", given_name, "First name", 100),
        "family_name": _text(errors, "family_name", family_name, "Last name", 100),
        "description": _text(errors, "description", description, "Description", 2000),
    }
    if date_of_birth is not None and not isinstance(date_of_birth, date):
        errors["date_of_birth"] = "Date of birth must be a real date"
        date_of_birth = None
    if date_of_birth is not None:
        if date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        elif date_of_birth < EARLIEST_BIRTH:
            errors["date_of_birth"] = "Date of birth must be after 1 January 1900"
    clean["date_of_birth"] = date_of_birth
    if age_estimate is not None and (
        isinstance(age_estimate, bool) or not isinstance(age_estimate, int)
    ):
        errors["age_estimate"] = "Age estimate must be a whole number of years"
        age_estimate = None
    if age_estimate is not None and not 0 <= age_estimate <= MAX_AGE:
        errors["age_estimate"] = f"Age estimate must be between 0 and {MAX_AGE}"
    clean["age_estimate"] = age_estimate
    names: list[str] = []
    for raw in aliases:
        if not isinstance(raw, str):
            errors["aliases"] = "Each other name must be text"
            continue
        try:
            alias = clean_text(raw, label="Other names")
        except ValidationError as exc:
            errors["aliases"] = exc.messages[0]
            continue
        if len(alias) > alias_max_length:
            errors["aliases"] = f"Each other name must be {alias_max_length} characters or fewer"
        elif alias and alias.casefold() not in {n.casefold() for n in names}:
            names.append(alias)
    clean["aliases"] = names
    return clean, errors


def person_create(
    *,
    actor: Any,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    identity_unknown: bool = False,
    description: str = "",
    aliases: Iterable[str] = (),
    purpose: str = "",
) -> Person:
    """Record a person (with their other names). `purpose` says why, for the audit trail."""
    clean, errors = validate_person_fields(
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        age_estimate=age_estimate,
        description=description,
        aliases=aliases,
    )
    if not identity_unknown and not (clean["given_name"] or clean["family_name"]):
        errors.setdefault("given_name", "Enter the person's name, or record them as unknown")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = Person.objects.create(
            given_name=clean["given_name"],
            family_name=clean["family_name"],
            date_of_birth=clean["date_of_birth"],
            age_estimate=clean["age_estimate"],
            identity_unknown=bool(identity_unknown),
            description=clean["description"],
            created_by_agency=getattr(actor, "agency", None),
        )
        Alias.objects.bulk_create(Alias(person=person, name=name) for name in clean["aliases"])
        audit_record(
            actor=actor,
            action="person.create",
            obj=person,
            purpose=purpose,
            details={"aliases": len(clean["aliases"])},
        )
    return person


def person_equality_record(
    *,
    actor: Any,
    person: Person,
    purpose: str = "Equality monitoring",
    **values: Any,
) -> Person:
    """Record or change a person's equality monitoring fields (`sex`, `gender_identity`,
    `ethnicity`; "" clears one). Only those given change. A caseworker or supervisor who may
    see the person may record them; the audit event names the fields changed, not their
    values (special category data stays on the record, not in the trail)."""
    if not can_work_cases(actor) or not visible(actor, Person).filter(pk=person.pk).exists():
        raise PermissionDenied("Only a caseworker who may see this person may record this")
    refuse_if_restricted(actor=actor, record=person)
    unknown = sorted(set(values) - set(EQUALITY_FIELDS))
    if unknown:
        raise ValidationError({name: "Not an equality monitoring field" for name in unknown})
    clean, errors = validate_equality(values)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in clean.items() if getattr(person, name) != value]
    if not changed:
        return person
    with transaction.atomic():
        for name in changed:
            setattr(person, name, clean[name])
        person.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="person.equality_record",
            obj=person,
            purpose=purpose,
            details={"changed": changed},
        )
    return person
