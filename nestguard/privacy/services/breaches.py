"""The breach log's one write path: record a breach, assess it, record who was told, close.

Article 33(1) asks for the ICO within 72 hours of awareness unless the breach is unlikely to
result in a risk, and reasons when later; Article 34(1) asks for the people affected to be
told without undue delay when the risk is high (unless an exception of 34(3) applies, whose
reason is then recorded); Article 33(5) asks for every breach to be documented, so a breach
is never deleted, only closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.models import next_reference
from nestguard.core.validation import text_or_raise
from nestguard.privacy.models import Breach, BreachNotice, breach_audiences, breach_risks
from nestguard.privacy.rules import keeps_records

TEXT_LIMIT = 4000
SUMMARY_LIMIT = 200


def _text(value: str, *, field: str, label: str, required: bool, limit: int = TEXT_LIMIT) -> str:
    return text_or_raise(value, field=field, label=label, max_length=limit, required=required)


def _not_future(moment: datetime | None, *, field: str, label: str) -> None:
    if moment is not None and moment > timezone.now():
        raise ValidationError({field: f"{label} must be now or in the past"})


def _check_open(actor: User, breach: Breach) -> None:
    if not visible(actor, Breach).filter(pk=breach.pk).exists():
        raise PermissionDenied("Only the agency's data protection officers keep its breach log")
    if breach.closed_at is not None:
        raise ValidationError({"__all__": "This breach is closed; nothing more can be recorded"})


def breach_record(
    *,
    actor: User,
    summary: str,
    what_happened: str,
    data_involved: str,
    aware_at: datetime | None,
    occurred_at: datetime | None = None,
    people_affected: int | None = None,
) -> Breach:
    """Log a breach for the actor's agency; the ICO clock starts at `aware_at`."""
    if not keeps_records(actor):
        raise PermissionDenied("Only a data protection officer records a breach")
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for name, label, limit in (
        ("summary", "A summary", SUMMARY_LIMIT),
        ("what_happened", "What happened", TEXT_LIMIT),
        ("data_involved", "The data involved", TEXT_LIMIT),
    ):
        value = {"summary": summary, "what_happened": what_happened}.get(name, data_involved)
        try:
            cleaned[name] = _text(value, field=name, label=label, required=True, limit=limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if aware_at is None:
        errors["aware_at"] = ["Enter when your agency became aware of the breach"]
    for moment, name, label in (
        (aware_at, "aware_at", "When you became aware"),
        (occurred_at, "occurred_at", "When it happened"),
    ):
        try:
            _not_future(moment, field=name, label=label)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if occurred_at and aware_at and occurred_at > aware_at:
        errors["occurred_at"] = ["When it happened must be before you became aware of it"]
    if people_affected is not None and people_affected < 0:
        errors["people_affected"] = ["The number of people must be 0 or more"]
    if errors:
        raise ValidationError(errors)
    assert aware_at is not None and actor.agency is not None  # keeps_records checked both
    with transaction.atomic():
        breach = Breach.objects.create(
            reference=next_reference("breach", "BR"),
            agency=actor.agency,
            recorded_by=actor,
            aware_at=aware_at,
            occurred_at=occurred_at,
            people_affected=people_affected,
            **cleaned,
        )
        audit_record(
            actor=actor,
            action="breach.record",
            obj=breach,
            details={"aware_at": aware_at.isoformat()},
        )
    return breach


def breach_assess(
    *,
    actor: User,
    breach: Breach,
    risk: str,
    risk_reasons: str,
    notify_ico: bool | None,
    tell_people: bool | None,
    decision_reasons: str = "",
) -> Breach:
    """The risk to people, and the decisions it leads to (reassessing replaces them)."""
    _check_open(actor, breach)
    errors: dict[str, list[str]] = {}
    if risk not in breach_risks():
        errors["risk"] = ["Choose how likely the breach is to harm people's rights"]
    try:
        reasons = _text(risk_reasons, field="risk_reasons", label="Why", required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        decision = _text(
            decision_reasons, field="decision_reasons", label="Reasons", required=False
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if notify_ico is None:
        errors["notify_ico"] = ["Choose whether to report the breach to the ICO"]
    if tell_people is None:
        errors["tell_people"] = ["Choose whether to tell the people affected"]
    if not errors:
        expects = breach_risks().get(risk)
        # Not reporting a breach that may harm people is unlawful (Art 33(1)): refused.
        if expects["notify_ico"] and not notify_ico:
            errors["notify_ico"] = [
                "A breach that may harm people's rights must be reported to the ICO"
            ]
        # A high risk means telling people, unless an Article 34(3) exception applies: say which.
        if expects["tell_people"] and not tell_people and not decision:
            errors["decision_reasons"] = [
                "Say why the people affected will not be told (an Article 34(3) exception)"
            ]
        if not notify_ico and not decision:
            errors["decision_reasons"] = ["Say why the breach will not be reported to the ICO"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        breach.risk = risk
        breach.risk_reasons = reasons
        breach.notify_ico = notify_ico
        breach.tell_people = tell_people
        breach.decision_reasons = decision
        breach.assessed_at = timezone.now()
        breach.assessed_by = actor
        breach.save()
        audit_record(
            actor=actor,
            action="breach.assess",
            obj=breach,
            details={"risk": risk, "notify_ico": notify_ico, "tell_people": tell_people},
        )
    return breach


def breach_notice_record(
    *,
    actor: User,
    breach: Breach,
    audience: str,
    told_at: datetime | None,
    note: str = "",
    ico_reference: str = "",
    late_reasons: str = "",
) -> BreachNotice:
    """Record that someone was told; the first ICO notice stops the clock."""
    _check_open(actor, breach)
    errors: dict[str, list[str]] = {}
    if audience not in breach_audiences():
        errors["audience"] = ["Choose who was told"]
    if told_at is None:
        errors["told_at"] = ["Enter when they were told"]
    else:
        if told_at > timezone.now():
            errors["told_at"] = ["When they were told must be now or in the past"]
        elif told_at < breach.aware_at:
            errors["told_at"] = ["When they were told must be after you became aware of it"]
    try:
        text = _text(note, field="note", label="The note", required=audience == "other")
        late = _text(late_reasons, field="late_reasons", label="Why late", required=False)
        reference = _text(
            ico_reference,
            field="ico_reference",
            label="The ICO reference",
            required=False,
            limit=60,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        text = late = reference = ""
    first_ico = audience == "ico" and breach.ico_notified_at is None
    if first_ico and told_at and told_at > breach.ico_due_at and not late and not errors:
        errors["late_reasons"] = [
            "Say why the ICO was told more than 72 hours after you became aware (Article 33(1))"
        ]
    if errors:
        raise ValidationError(errors)
    assert told_at is not None
    with transaction.atomic():
        notice = BreachNotice.objects.create(
            breach=breach, audience=audience, told_at=told_at, told_by=actor, note=text
        )
        if first_ico:
            breach.ico_notified_at = told_at
            breach.late_reasons = late
        if audience == "ico" and reference:
            breach.ico_reference = reference
        if audience == "people_affected" and breach.people_told_at is None:
            breach.people_told_at = told_at
        breach.save()
        audit_record(
            actor=actor,
            action="breach.notice",
            obj=breach,
            details={"audience": audience, "told_at": told_at.isoformat()},
        )
    return notice


def breach_close(*, actor: User, breach: Breach) -> Breach:
    """Close a breach once assessed and everyone decided on has been told."""
    _check_open(actor, breach)
    if breach.risk == "":
        raise ValidationError({"__all__": "Assess the breach before closing it"})
    if breach.notify_ico and breach.ico_notified_at is None:
        raise ValidationError({"__all__": "Record when the ICO was told before closing"})
    if breach.tell_people and breach.people_told_at is None:
        raise ValidationError({"__all__": "Record when the people affected were told first"})
    with transaction.atomic():
        breach.closed_at = timezone.now()
        breach.save(update_fields=["closed_at", "updated_at"])
        audit_record(actor=actor, action="breach.close", obj=breach)
    return breach
