"""Panels and their member agencies."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency, Role, User
from nestguard.audit.services import audit_record
from nestguard.panels.loader import meeting_types
from nestguard.panels.models import Panel, PanelMember
from nestguard.panels.selectors import member_agencies
from nestguard.panels.services.common import require_chair, text_field

NAME_MAX = 200
MAX_CADENCE_DAYS = 365


def panel_create(
    *,
    actor: Any,
    name: str,
    meeting_type: str,
    cadence_days: int | None = None,
    chairs: list[User] | None = None,
) -> Panel:
    """A new panel chaired by the actor (and any other panel chairs named), with the actor's
    agency as its first member. The cadence defaults to the meeting type's."""
    if actor is not None and not (actor.is_active and actor.has_role(Role.PANEL_CHAIR)):
        raise PermissionDenied("Only panel chairs create panels")
    errors: dict[str, str] = {}
    cleaned = text_field(errors, "name", name, label="Name", max_length=NAME_MAX, required=True)
    if cleaned and Panel.objects.filter(name__iexact=cleaned).exists():
        errors["name"] = f"There is already a panel called {cleaned}"
    kind = meeting_types().get(meeting_type) if isinstance(meeting_type, str) else None
    if kind is None:
        errors["meeting_type"] = "Choose the type of meeting"
    if cadence_days is None and kind is not None:
        cadence_days = kind.cadence_days
    if (
        isinstance(cadence_days, bool)
        or not isinstance(cadence_days, int)
        or not 1 <= cadence_days <= MAX_CADENCE_DAYS
    ):
        errors["cadence_days"] = f"Enter how often it meets, in days, from 1 to {MAX_CADENCE_DAYS}"
    all_chairs = [c for c in [actor, *(chairs or [])] if c is not None]
    for chair in all_chairs:
        if not chair.is_active or not chair.has_role(Role.PANEL_CHAIR):
            errors["chairs"] = f"{chair} is not an active panel chair"
    if not all_chairs:
        errors["chairs"] = "Name at least one chair"
    if errors:
        raise ValidationError(errors)
    assert kind is not None and isinstance(cadence_days, int)
    with transaction.atomic():
        panel = Panel.objects.create(
            name=cleaned, meeting_type=kind.code, cadence_days=cadence_days
        )
        panel.chairs.set(all_chairs)
        for agency_id in {c.agency_id for c in all_chairs if c.agency_id}:
            PanelMember.objects.create(panel=panel, agency_id=agency_id)
        audit_record(
            actor=actor,
            action="panel.create",
            obj=panel,
            details={
                "meeting_type": kind.code,
                "cadence_days": cadence_days,
                "chairs": [c.get_username() for c in all_chairs],
            },
        )
    return panel


def panel_member_add(
    *, actor: Any, panel: Panel, agency: Agency, contact: User | None = None
) -> PanelMember:
    """An agency joins the panel's list, with its point of contact if named.

    It must share an active sharing agreement with every active agency already on the panel
    (the first of which is the creating chair's agency): the agenda draws only on cases every
    member may receive (docs/decisions/0073-panels-see-what-members-may-see.md), so an
    agency without such an agreement would see nothing lawfully and hide others' cases."""
    if actor is not None:
        require_chair(actor, panel)
    errors: dict[str, str] = {}
    if not isinstance(agency, Agency) or not agency.active:
        errors["agency"] = "Choose an active agency"
    elif PanelMember.objects.filter(panel=panel, agency=agency).exists():
        errors["agency"] = f"{agency} is already on the panel"
    else:
        partners = partner_agency_ids(agency)
        lacking = [a.name for a in member_agencies(panel.pk) if a.pk not in partners]
        if lacking:
            errors["agency"] = (
                f"{agency} has no active information sharing agreement with "
                f"{', '.join(sorted(lacking))}, already on the panel, so it cannot join"
            )
    if contact is not None and (
        not contact.is_active or not isinstance(agency, Agency) or contact.agency_id != agency.pk
    ):
        errors["contact"] = "The point of contact must be an active user of that agency"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = PanelMember.objects.create(panel=panel, agency=agency, contact=contact)
        audit_record(
            actor=actor,
            action="panel.member_add",
            obj=panel,
            details={"agency": agency.name, "contact": contact.get_username() if contact else ""},
        )
    return member
