"""Phones, vehicles and lines: recorded once, found again by their normalised key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.codes import code_list
from nestguard.network import phones
from nestguard.network.models import HandEntry, Line, Phone, Vehicle
from nestguard.network.registry import Ref
from nestguard.network.services.links import link_add_by_hand


def phone_record(*, actor: User | None, number: str) -> Phone:
    """The phone of this number (E.164), recorded if new."""
    try:
        normalised = phones.e164(number)
    except ValidationError as error:
        raise ValidationError({"number": error.messages}) from None
    with transaction.atomic():
        phone, created = Phone.objects.get_or_create(number=normalised)
        if created:
            audit_record(actor=actor, action="network.phone_record", obj=phone)
    return phone


def vehicle_record(*, actor: User | None, vrm: str, description: str = "") -> Vehicle:
    try:
        mark = phones.vrm(vrm)
    except ValidationError as error:
        raise ValidationError({"vrm": error.messages}) from None
    with transaction.atomic():
        vehicle, created = Vehicle.objects.get_or_create(
            vrm=mark, defaults={"description": description[:100]}
        )
        if created:
            audit_record(actor=actor, action="network.vehicle_record", obj=vehicle)
    return vehicle


def line_record(
    *, actor: User | None, name: str, kind: str = "line", origin_area: str = ""
) -> Line:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the line's or group's name"
    elif len(name) > 100:
        errors["name"] = "The name must be 100 characters or fewer"
    if kind not in code_list("network", "line_kinds"):
        errors["kind"] = "Choose a line or a group"
    if len(origin_area or "") > 100:
        errors["origin_area"] = "The origin area must be 100 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        line, created = Line.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "origin_area": origin_area.strip(),
                "created_by_agency_id": getattr(actor, "agency_id", None),
            },
        )
        if created:
            audit_record(actor=actor, action="network.line_record", obj=line)
    return line


def phone_mark_line(
    *, actor: User, number: str, line_name: str, origin_area: str = "", note: str, grade: str = ""
) -> HandEntry:
    """Mark a number as a line's deal line: the phone names the line, and a link by hand ties
    them (so only those who may see the entry learn of it)."""
    errors: dict[str, list[str]] = {}
    try:
        phones.e164(number)
    except ValidationError as error:
        errors["number"] = error.messages
    if not (line_name or "").strip():
        errors["line_name"] = ["Enter the line's name"]
    if not (note or "").strip():
        errors["note"] = ["Enter where this comes from"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        phone = phone_record(actor=actor, number=number)
        line = line_record(actor=actor, name=line_name, origin_area=origin_area)
        phone.line = line
        phone.save(update_fields=["line", "updated_at"])
        entry = link_add_by_hand(
            actor=actor,
            a=Ref("phone", phone.pk),
            b=Ref("line", line.pk),
            role="deal_line",
            note=note,
            on=timezone.localdate(),
            grade=grade,
        )
        audit_record(
            actor=actor, action="network.phone_mark_line", obj=phone, details={"line": line.name}
        )
    return entry
