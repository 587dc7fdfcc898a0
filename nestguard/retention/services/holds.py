"""Legal holds: a record under a hold, and everything it links to, is never disposed of.

What a hold reaches (the linkage rule, decision 0101), one step along the links that make
up a record about someone:

- a hold on a **person** holds the person, every case they are a subject of and every
  referral they are a subject of;
- a hold on a **case** holds the case, its subjects (people) and the referrals into it;
- a hold on a **referral** holds the referral, its subjects and the case it became;
- a hold on a record of a registered type (`record_types.py`: a missing episode, an NRM
  record, a warning marker, intelligence...) holds it, its person and its case;
- a hold on a person or a case also holds every registered record naming them;
- a hold on any other record holds that record.

One step is enough: a person is anonymised only when every case and referral about them is
disposed of, so a held case keeps all of its subjects, and a held person keeps every case
about them (and so that case's other subjects, who stay on a case not disposed of).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.cases.models import Case, CaseSubject
from nestguard.core.codes import code_list
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.retention import record_types as rt
from nestguard.retention.models import LegalHold
from nestguard.retention.services.schedule import may_manage_retention

PERSON, CASE, REFERRAL = "people.person", "cases.case", "referrals.referral"
Key = tuple[str, str]


def hold_reasons() -> Any:
    return code_list("retention", "hold_reasons")


def target_key(record: Model) -> Key:
    return (record._meta.label_lower, str(record.pk))


def legal_hold_place(*, actor: User, target: Model, reason: str, reference: str) -> LegalHold:
    """Place a hold on `target` (any saved record) for `reason` (a code of
    data/hold_reasons.json, e.g. "subject_access"), under `reference` (the claim, the review,
    the request's reference)."""
    if not may_manage_retention(actor):
        raise PermissionDenied("Only a data protection officer places legal holds")
    errors: dict[str, list[str]] = {}
    if reason not in hold_reasons():
        errors["reason"] = ["Select why the records are held"]
    if not reference.strip():
        errors["reference"] = ["Enter the reference of the claim, review or request"]
    if (
        target is None
        or target.pk is None
        or not type(target)._default_manager.filter(pk=target.pk).exists()
    ):
        errors["target"] = ["Choose a record that exists"]
    if errors:
        raise ValidationError(errors)
    kind, key = target_key(target)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            target_type=kind,
            target_id=key,
            target_label=str(getattr(target, "reference", "") or kind)[:200],
            reason=reason,
            reference=reference.strip()[:100],
            placed_by=actor,
            placed_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="retention.hold_place",
            obj=hold,
            purpose="data_protection",
            details={"target_type": kind, "target_id": key, "reason": reason},
        )
    return hold


def legal_hold_lift(*, actor: User, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold, saying why (the claim settled, the review published, the request
    answered). Disposal may then list the records again at its next run."""
    if not may_manage_retention(actor):
        raise PermissionDenied("Only a data protection officer lifts legal holds")
    if not reason.strip():
        raise ValidationError({"reason": ["Enter why the hold is lifted"]})
    with transaction.atomic():
        current = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if current.lifted_at is not None:
            raise ValidationError({"reason": ["This hold has already been lifted"]})
        current.lifted_at = timezone.now()
        current.lifted_by = actor
        current.lift_reason = reason.strip()
        current.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="retention.hold_lift",
            obj=current,
            purpose="data_protection",
            details={"target_type": current.target_type, "target_id": current.target_id},
        )
    return current


def held_records() -> set[Key]:
    """Every record an active hold reaches, by the linkage rule above (a few queries per
    hold; holds are few)."""
    held: set[Key] = set()
    for kind, key in LegalHold.objects.filter(lifted_at__isnull=True).values_list(
        "target_type", "target_id"
    ):
        held.add((kind, key))
        held.update(_linked(kind, key))
    return held


def _ids(values: Any) -> list[str]:
    return [str(v) for v in values if v is not None]


def _registered_naming(kind: str, key: str) -> set[Key]:
    """The registered records whose person or case is the held person or case."""
    held: set[Key] = set()
    for each in rt.all_types():
        name = each.person if kind == PERSON else each.case
        if name:
            rows = each.model._default_manager.filter(**{f"{name}_id": key})
            held.update((each.key, k) for k in _ids(rows.values_list("pk", flat=True)))
    return held


def _registered_links(each: rt.RecordType, key: str) -> set[Key]:
    """A held registered record holds its person and its case."""
    rows = each.model._default_manager.filter(pk=key)
    held: set[Key] = set()
    if each.person:
        held.update((PERSON, k) for k in _ids(rows.values_list(f"{each.person}_id", flat=True)))
    if each.case:
        held.update((CASE, k) for k in _ids(rows.values_list(f"{each.case}_id", flat=True)))
    return held


def _linked(kind: str, key: str) -> set[Key]:
    if kind == PERSON:
        cases = CaseSubject.objects.filter(person_id=key).values_list("case_id", flat=True)
        into = ReferralSubject.objects.filter(person_id=key).values_list("referral_id", flat=True)
        return (
            {(CASE, k) for k in _ids(cases)}
            | {(REFERRAL, k) for k in _ids(into)}
            | _registered_naming(kind, key)
        )
    if kind == CASE:
        people = CaseSubject.objects.filter(case_id=key).values_list("person_id", flat=True)
        referrals = Referral.objects.filter(case_id=key).values_list("pk", flat=True)
        return (
            {(PERSON, k) for k in _ids(people)}
            | {(REFERRAL, k) for k in _ids(referrals)}
            | _registered_naming(kind, key)
        )
    if kind == REFERRAL:
        named = ReferralSubject.objects.filter(referral_id=key).values_list("person_id", flat=True)
        became = Referral.objects.filter(pk=key).values_list("case_id", flat=True)
        return {(PERSON, k) for k in _ids(named)} | {(CASE, k) for k in _ids(became)}
    each = rt.by_key(kind)
    if each is not None:
        return _registered_links(each, key)
    return set()


def is_held(record: Case | Referral | Person) -> bool:
    return target_key(record) in held_records()


def hold_target(kind: str, identifier: str) -> Case | Referral | Person:
    """The record a hold form names: a case or referral by its reference, a person by their
    Nestguard identifier. For data protection officers only (the pages' rule)."""
    identifier = identifier.strip()
    found: Case | Referral | Person | None = None
    if kind == CASE:
        found = Case.objects.filter(reference__iexact=identifier).first()
    elif kind == REFERRAL:
        found = Referral.objects.filter(reference__iexact=identifier).first()
    elif kind == PERSON:
        try:
            found = Person.objects.filter(pk=identifier).first()
        except (ValueError, ValidationError):
            found = None
    if found is None:
        raise ValidationError({"target": ["No record has this reference or identifier"]})
    return found
