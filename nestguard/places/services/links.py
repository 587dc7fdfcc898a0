"""People linked to properties, and the displacement rule that watches those links.

Displacement (rule as data, `data/rules.json` `displacement`): a person tied as victim or
suspected exploiter to an address that is under enforcement (asked of the enforcement app
through `nestguard.places.registry.addresses_under_enforcement`) or whose cuckooing case was
closed, who becomes linked to another address within the window after that closure, raises
ONE alert naming both addresses for the case team.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.cases.models import Case, CaseAddress, CaseStatus, CaseSubject
from nestguard.cases.rules import can_contribute_to_case
from nestguard.core.validation import code_value, date_value
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person
from nestguard.places.models import Address, DisplacementAlert, PersonAddressLink, link_roles
from nestguard.places.policy import places_rules
from nestguard.places.registry import addresses_under_enforcement


def person_address_link_add(
    *,
    actor: Any,
    person: Person,
    address: Address,
    role: Any,
    from_date: Any,
    to_date: Any = None,
    case: Case | None = None,
) -> PersonAddressLink:
    """Link a person the actor may see to an address, with the role and dates."""
    if not can_work_cases(actor) or not visible_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("You can link only people you work with")
    errors: dict[str, str] = {}
    if case is not None and not can_contribute_to_case(actor, case):
        errors["case"] = "Choose a case you work on"
    role = code_value(errors, "role", role, link_roles(), "Choose how the person is linked")
    start = date_value(errors, "from_date", from_date, label="date the link began", required=True)
    end = date_value(errors, "to_date", to_date, label="date the link ended", required=False)
    today = timezone.localdate()
    if start and start > today:
        errors["from_date"] = "The date the link began must be today or in the past"
    if start and end and end < start:
        errors["to_date"] = "The date the link ended must be on or after the date it began"
    if end and end > today:
        errors["to_date"] = "The date the link ended must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = PersonAddressLink.objects.create(
            person=person,
            address=address,
            role=role,
            from_date=start,  # type: ignore[misc]  # checked above
            to_date=end,
            case=case,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="person_address.link",
            obj=link,
            details={"person": str(person.pk), "address": str(address.pk), "role": role},
        )
        displacement_check(actor=actor, link=link)
    return link


def _earlier_addresses(person: Person, roles: tuple[str, ...], exclude: Address) -> set[Any]:
    """Addresses the person is tied to in one of the roles: by a link, or by being named in
    that role on a case at the address."""
    linked = set(
        PersonAddressLink.objects.filter(person=person, role__in=roles)
        .exclude(address=exclude)
        .values_list("address_id", flat=True)
    )
    case_ids = CaseSubject.objects.filter(person=person, role__in=roles).values("case_id")
    on_cases = set(
        CaseAddress.objects.filter(case_id__in=case_ids)
        .exclude(address=exclude)
        .values_list("address_id", flat=True)
    )
    return linked | on_cases


def _closed_cuckooing_case(address_id: Any, concern: str, on: date, window: int) -> Case | None:
    """A cuckooing case at the address closed no more than `window` days before `on`."""
    cases = (
        Case.objects.filter(
            addresses__address_id=address_id,
            status=CaseStatus.CLOSED,
            closed_at__isnull=False,
        )
        .order_by("-closed_at")
        .only("pk", "reference", "concern_types", "closed_at", "lead_agency_id")
    )
    for case in cases:
        closed_on = timezone.localdate(case.closed_at)  # type: ignore[arg-type]
        if concern in (case.concern_types or []) and closed_on <= on <= closed_on + timedelta(
            days=window
        ):
            return case
    return None


def _case_at(address_id: Any, fallback: Case | None) -> Case | None:
    case = Case.objects.filter(addresses__address_id=address_id).order_by("-opened_at").first()
    return case or fallback


def displacement_check(*, actor: Any, link: PersonAddressLink) -> list[DisplacementAlert]:
    rule = places_rules().displacement
    earlier = _earlier_addresses(link.person, rule.roles, link.address)
    if not earlier:
        return []
    enforced = addresses_under_enforcement(earlier)
    raised: list[DisplacementAlert] = []
    for address_id in sorted(earlier, key=str):
        closed = _closed_cuckooing_case(
            address_id, rule.case_concern, link.from_date, rule.window_days
        )
        if address_id in enforced:
            case, reason = _case_at(address_id, link.case), "the address is under enforcement"
        elif closed is not None:
            case = closed
            reason = (
                f"its cuckooing case {closed.reference} closed on "
                f"{timezone.localdate(closed.closed_at):%-d %B %Y}"  # type: ignore[arg-type]
            )
        else:
            continue
        if case is None:
            continue
        try:
            with transaction.atomic():
                alert = DisplacementAlert.objects.create(
                    person=link.person,
                    from_address_id=address_id,
                    to_address=link.address,
                    case=case,
                    link=link,
                    reason=reason[:300],
                )
                audit_record(
                    actor=actor,
                    action="displacement.raise",
                    obj=alert,
                    details={
                        "person": str(link.person_id),
                        "from": str(address_id),
                        "to": str(link.address_id),
                        "case": case.reference,
                    },
                )
        except IntegrityError:  # already raised for this person and these two addresses
            continue
        raised.append(alert)
    return raised
