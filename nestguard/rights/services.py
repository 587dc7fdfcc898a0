"""Every write of the rights app (rule 1): each validates, writes in one transaction and
records its audit event in it. Only data protection officers act here; the services check
the role as well as the pages, so that a command or the API cannot go round it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access import door
from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.codes import code_list
from nestguard.core.models import next_reference
from nestguard.linkage.models import Cluster
from nestguard.people.models import Person
from nestguard.rights import deadlines, holds
from nestguard.rights.models import (
    DisclosurePack,
    ProcessingRestriction,
    Redaction,
    RightsDecision,
    RightsRequest,
    RightsRequestKind,
    SarItem,
    SarStatus,
    SubjectAccessRequest,
)
from nestguard.rights.sources import (
    PURPOSE,
    Subject,
    is_data_protection_officer,
    sources,
)


def _require_dpo(actor: Any) -> None:
    if not is_data_protection_officer(actor):
        raise PermissionDenied("Only a data protection officer may do this")


def _required(errors: dict[str, str], value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


# Subject access ---------------------------------------------------------------------------


def sar_log(
    *, actor: User, person: Person, received_on: dt.date | None, requester_note: str = ""
) -> SubjectAccessRequest:
    """Log a request: its clock runs one calendar month from `received_on` (the day of
    receipt, or of the identity check or clarification when later)."""
    _require_dpo(actor)
    errors: dict[str, str] = {}
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received"
    elif received_on > timezone.localdate():
        errors["received_on"] = "The date the request was received must be today or in the past"
    if errors:
        raise ValidationError(errors)
    assert received_on is not None
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            reference=next_reference("sar", "SAR"),
            person=person,
            received_on=received_on,
            due_on=deadlines.sar_due_on(received_on),
            requester_note=requester_note.strip(),
            logged_by=actor,
        )
        held = holds.sar_legal_hold_place(actor=actor, request=request)
        audit_record(
            actor=actor,
            action="sar.log",
            obj=request,
            purpose=PURPOSE,
            details={"person": str(person.pk), "due_on": request.due_on.isoformat(), "hold": held},
        )
    return request


def sar_extend(*, actor: User, request: SubjectAccessRequest, reason: str) -> SubjectAccessRequest:
    """Extend by two further months (complex or numerous requests), with the reason the
    person is told within the first month."""
    _require_dpo(actor)
    errors: dict[str, str] = {}
    reason = _required(errors, reason, "reason", "Enter why the request needs more time")
    if request.extended_due_on is not None:
        errors["reason"] = "This request has already been extended"
    elif request.status == SarStatus.CLOSED:
        errors["reason"] = "This request is closed"
    elif timezone.localdate() > request.due_on:
        errors["reason"] = "An extension must be made within the first month"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.extended_due_on = deadlines.sar_extended_due_on(request.received_on)
        request.extension_reason = reason
        request.save(update_fields=["extended_due_on", "extension_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="sar.extend",
            obj=request,
            purpose=PURPOSE,
            details={"due_on": request.extended_due_on.isoformat(), "reason": reason},
        )
    return request


def subject_of(actor: User, person: Person) -> Subject:
    """The person as the person index knows them: the people linked to them in one cluster
    (through the door, purpose subject_access)."""
    clusters = list(
        door.visible(actor, Cluster, purpose=PURPOSE)
        .filter(records__person_id=person.pk)
        .values_list("pk", flat=True)
    )
    linked = (
        door.visible(actor, Cluster, purpose=PURPOSE)
        .filter(pk__in=clusters, records__person__isnull=False)
        .values_list("records__person_id", flat=True)
    )
    people = {person.pk, *linked}
    return Subject(person.pk, tuple(sorted(people, key=str)), tuple(clusters))


def sar_search(*, actor: User, request: SubjectAccessRequest) -> list[SarItem]:
    """Gather everything held about the person from every registered source, as it is now,
    replacing an earlier search's items (and their redactions). One audit event names the
    purpose, the people searched for and what each source found."""
    _require_dpo(actor)
    if request.status in (SarStatus.CLOSED, SarStatus.DISCLOSED):
        raise ValidationError({"request": "This request's disclosure has been produced"})
    subject = subject_of(actor, request.person)
    found: dict[str, int] = {}
    with transaction.atomic():
        request.items.all().delete()
        items: list[SarItem] = []
        for source in sources():
            count = 0
            for record in source.collect(actor, subject):
                count += 1
                items.append(
                    SarItem(
                        request=request,
                        source=source.code,
                        object_type=record.object_type,
                        object_id=record.object_id,
                        title=record.title[:300],
                        held_by=record.held_by[:200],
                        fields=[list(pair) for pair in record.fields],
                        position=len(items) + 1,
                    )
                )
            found[source.code] = count
        SarItem.objects.bulk_create(items)
        request.status = SarStatus.REVIEW
        request.searched_at = timezone.now()
        request.save(update_fields=["status", "searched_at", "updated_at"])
        door.record_search(
            actor,
            "sar.search",
            purpose=PURPOSE,
            terms={"request": request.reference, "people": [str(p) for p in subject.person_ids]},
            found=len(items),
            obj=request,
        )
        audit_record(
            actor=actor,
            action="sar.view",
            obj=request,
            purpose=PURPOSE,
            details={"found_by_source": found, "clusters": [str(c) for c in subject.cluster_ids]},
        )
    return items


def exemptions() -> Any:
    return code_list("rights", "exemptions")


def sar_redact(
    *, actor: User, item: SarItem, field_label: str, exemption: str, note: str = ""
) -> Redaction:
    """Withhold a field of an item (or the whole item, field_label "") citing an exemption."""
    _require_dpo(actor)
    errors: dict[str, str] = {}
    if exemption not in exemptions():
        errors["exemption"] = "Choose the exemption the redaction relies on"
    labels = {label for label, _ in item.fields}
    if field_label and field_label not in labels:
        errors["field_label"] = "Choose a part of this record, or the whole record"
    if item.request.status != SarStatus.REVIEW:
        errors["field_label"] = "Only a request under review can be redacted"
    elif Redaction.objects.filter(item=item, field_label=field_label).exists():
        errors["field_label"] = "That part is already marked for redaction"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        redaction = Redaction.objects.create(
            item=item,
            field_label=field_label,
            exemption=exemption,
            note=note.strip(),
            marked_by=actor,
        )
        audit_record(
            actor=actor,
            action="sar.redact",
            obj=item.request,
            purpose=PURPOSE,
            details={
                "item": item.position,
                "field": field_label or "(whole record)",
                "exemption": exemption,
            },
        )
    return redaction


def sar_unredact(*, actor: User, redaction: Redaction) -> None:
    _require_dpo(actor)
    request = redaction.item.request
    if request.status != SarStatus.REVIEW:
        raise ValidationError({"redaction": "Only a request under review can be changed"})
    with transaction.atomic():
        details = {
            "item": redaction.item.position,
            "field": redaction.field_label or "(whole record)",
            "exemption": redaction.exemption,
        }
        redaction.delete()
        audit_record(
            actor=actor, action="sar.unredact", obj=request, purpose=PURPOSE, details=details
        )


def sar_pack_request(*, actor: User, request: SubjectAccessRequest) -> Any:
    """Queue the job that writes the disclosure pack (PDF and JSON bundle)."""
    from nestguard.jobs import enqueue

    _require_dpo(actor)
    if request.status != SarStatus.REVIEW:
        raise ValidationError(
            {"request": "Search and review the request before producing its pack"}
        )
    return enqueue(
        "rights.disclosure_pack", started_by=actor, request=str(request.pk), user=str(actor.pk)
    )


def disclosure_pack_store(
    *,
    actor: User | None,
    request: SubjectAccessRequest,
    pdf: bytes,
    bundle: bytes,
    disclosed: int,
    withheld: int,
) -> DisclosurePack:
    with transaction.atomic():
        pack = DisclosurePack.objects.create(
            request=request,
            pdf=pdf,
            bundle=bundle,
            items_disclosed=disclosed,
            items_withheld=withheld,
            produced_by=actor,
        )
        request.status = SarStatus.DISCLOSED
        request.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="sar.pack",
            obj=request,
            purpose=PURPOSE,
            details={"pack": str(pack.pk), "disclosed": disclosed, "withheld": withheld},
        )
    return pack


def sar_close(*, actor: User, request: SubjectAccessRequest) -> SubjectAccessRequest:
    _require_dpo(actor)
    if request.status == SarStatus.CLOSED:
        raise ValidationError({"request": "This request is already closed"})
    with transaction.atomic():
        request.status = SarStatus.CLOSED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at", "updated_at"])
        lifted = holds.sar_legal_hold_lift(actor=actor, request=request)
        audit_record(
            actor=actor,
            action="sar.close",
            obj=request,
            purpose=PURPOSE,
            details={"hold_lifted": lifted},
        )
    return request


# Rectification and objection ----------------------------------------------------------------


def rights_request_log(
    *,
    actor: User,
    person: Person,
    kind: str,
    record_description: str,
    grounds: str,
    received_on: dt.date | None,
    field_label: str = "",
    original_value: str = "",
    requested_value: str = "",
) -> RightsRequest:
    _require_dpo(actor)
    errors: dict[str, str] = {}
    if kind not in RightsRequestKind.values:
        errors["kind"] = "Choose whether this is a correction or an objection"
    record_description = _required(
        errors, record_description, "record_description", "Enter which record the request is about"
    )
    grounds = _required(errors, grounds, "grounds", "Enter what the person asks and why")
    if kind == RightsRequestKind.RECTIFICATION and not requested_value.strip():
        errors["requested_value"] = "Enter the value the person says is correct"
    if received_on is None:
        errors["received_on"] = "Enter the date the request was received"
    elif received_on > timezone.localdate():
        errors["received_on"] = "The date the request was received must be today or in the past"
    if errors:
        raise ValidationError(errors)
    assert received_on is not None
    with transaction.atomic():
        request = RightsRequest.objects.create(
            reference=next_reference("rights_request", "RR"),
            person=person,
            kind=kind,
            record_description=record_description[:300],
            field_label=field_label.strip()[:200],
            original_value=original_value.strip(),
            requested_value=requested_value.strip(),
            grounds=grounds,
            received_on=received_on,
            logged_by=actor,
        )
        audit_record(
            actor=actor,
            action="rights_request.log",
            obj=request,
            purpose="data_protection",
            details={"person": str(person.pk), "kind": kind},
        )
    return request


def rights_request_decide(
    *, actor: User, request: RightsRequest, decision: str, reasons: str, corrected_value: str = ""
) -> RightsRequest:
    """Uphold or refuse, with reasons. An upheld rectification records the corrected value,
    which the person's pages show beside a notice; the original stays where it was."""
    _require_dpo(actor)
    errors: dict[str, str] = {}
    if decision not in (RightsDecision.UPHELD, RightsDecision.REFUSED):
        errors["decision"] = "Choose whether the request is upheld or refused"
    reasons = _required(errors, reasons, "reasons", "Enter the reasons for the decision")
    if request.decision != RightsDecision.PENDING:
        errors["decision"] = "This request has already been decided"
    corrected_value = corrected_value.strip()
    if (
        decision == RightsDecision.UPHELD
        and request.kind == RightsRequestKind.RECTIFICATION
        and not corrected_value
    ):
        errors["corrected_value"] = "Enter the corrected value the record will show"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request.decision = decision
        request.decision_reasons = reasons
        request.corrected_value = corrected_value if decision == RightsDecision.UPHELD else ""
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save()
        audit_record(
            actor=actor,
            action="rights_request.decide",
            obj=request,
            purpose="data_protection",
            details={"decision": decision, "reasons": reasons},
        )
    return request


# Restriction of processing --------------------------------------------------------------------


def restriction_grounds() -> Any:
    return code_list("rights", "restriction_grounds")


def processing_restriction_place(
    *, actor: User, person: Person, grounds: str, reason: str
) -> ProcessingRestriction:
    _require_dpo(actor)
    errors: dict[str, str] = {}
    if grounds not in restriction_grounds():
        errors["grounds"] = "Choose the grounds for the restriction"
    reason = _required(errors, reason, "reason", "Enter the reason for the restriction")
    if ProcessingRestriction.objects.filter(person=person, lifted_at__isnull=True).exists():
        errors["grounds"] = "This person's records are already restricted"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        restriction = ProcessingRestriction.objects.create(
            person=person, grounds=grounds, reason=reason, placed_by=actor
        )
        audit_record(
            actor=actor,
            action="processing_restriction.place",
            obj=person,
            purpose="data_protection",
            details={"grounds": grounds, "reason": reason},
        )
    return restriction


def processing_restriction_lift(
    *, actor: User, restriction: ProcessingRestriction, reason: str
) -> ProcessingRestriction:
    """Lift it, with the reason (Art. 18(3): the person is told before it is lifted)."""
    _require_dpo(actor)
    errors: dict[str, str] = {}
    reason = _required(errors, reason, "reason", "Enter why the restriction is lifted")
    if restriction.lifted_at is not None:
        errors["reason"] = "This restriction has already been lifted"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        restriction.lifted_at = timezone.now()
        restriction.lifted_by = actor
        restriction.lift_reason = reason
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="processing_restriction.lift",
            obj=restriction.person,
            purpose="data_protection",
            details={"reason": reason},
        )
    return restriction
