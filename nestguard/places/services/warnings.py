"""Warning markers: placed by caseworkers of an agency on a case at the address, reviewed
and withdrawn by the owning agency (or the case's agencies). A marker answers the door check
until it expires or is withdrawn; after its expiry it shows as lapsed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.restrictions import (
    clean_restriction,
    may_change_restriction,
    restriction_change,
)
from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case
from nestguard.cases.rules import can_contribute_to_case
from nestguard.core.validation import code_value, date_value, text_value
from nestguard.core.versioning import require_version, versioned_save
from nestguard.places.models import Address, WarningMarker, warning_categories, warning_levels
from nestguard.places.policy import places_rules

ADVICE_MAX = 1000
CONTACT_MAX = 300
REASON_MAX = 2000


def cases_for_marker(actor: Any, address: Address) -> list[Case]:
    """Cases at the address through which this actor may place a marker."""
    if not can_work_cases(actor):
        return []
    # A caseworker contributes to every case they can see (cases.rules), so this is one query.
    cases = visible_cases(actor).filter(addresses__address=address).order_by("-opened_at")
    return list(cases.select_related("lead_agency").distinct())


def can_manage_marker(user: Any, marker: WarningMarker) -> bool:
    """The owning agency's caseworkers, and those of an agency on the marker's case."""
    if not can_work_cases(user):
        return False
    if user.agency_id == marker.owner_agency_id:
        return True
    return marker.case is not None and can_contribute_to_case(user, marker.case)


def _review_and_expiry(
    errors: dict[str, str], review_on: Any, expires_on: Any, today: date
) -> tuple[date | None, date | None]:
    rule = places_rules().warning_marker
    review = date_value(errors, "review_on", review_on, label="review date", required=True)
    expiry = date_value(errors, "expires_on", expires_on, label="expiry date", required=True)
    latest_review = today + timedelta(days=rule.max_review_days)
    latest_expiry = today + timedelta(days=rule.max_life_days)
    if review and not today < review <= latest_review:
        errors["review_on"] = (
            f"The review date must be after today and no later than {latest_review:%-d %B %Y}"
        )
        review = None
    if expiry and not today < expiry <= latest_expiry:
        errors["expires_on"] = (
            f"The expiry date must be after today and no later than {latest_expiry:%-d %B %Y}"
        )
        expiry = None
    if review and expiry and review > expiry:
        errors["review_on"] = "The review date must be on or before the expiry date"
    return review, expiry


def warning_place(
    *,
    actor: Any,
    address: Address,
    category: Any,
    level: Any,
    advice: Any,
    contact: Any,
    review_on: Any,
    expires_on: Any,
    case: Case | None = None,
    restriction: str | None = None,
) -> WarningMarker:
    """Place a warning marker. The actor must be a caseworker of an agency on a case at this
    address; `case` (optional) names which, otherwise the newest such case is used.
    `restriction` (a handling restriction code) limits who reads its reasons, never the
    door-check answer."""
    allowed = cases_for_marker(actor, address)
    if not allowed:
        raise PermissionDenied(
            "Only caseworkers of an agency on a case at this address can place a warning"
        )
    errors: dict[str, str] = {}
    if case is not None and case.pk not in {c.pk for c in allowed}:
        errors["case"] = "Choose a case at this address that you work on"
    chosen = case if case is not None else allowed[0]
    levels = [c.code for c in warning_levels().codes if c.get("placeable")]
    category = code_value(
        errors, "category", category, warning_categories(), "Choose the kind of risk"
    )
    level = code_value(errors, "level", level, levels, "Choose the warning level")
    advice = text_value(
        errors, "advice", advice, label="Safety advice", max_length=ADVICE_MAX, required=True
    )
    contact = text_value(
        errors, "contact", contact, label="Whom to contact", max_length=CONTACT_MAX, required=True
    )
    review, expiry = _review_and_expiry(errors, review_on, expires_on, timezone.localdate())
    code = clean_restriction(errors, restriction)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        marker = WarningMarker.objects.create(
            restriction=code,
            address=address,
            category=category,
            level=level,
            advice=advice,
            contact=contact,
            owner=actor,
            owner_agency=actor.agency,
            case=chosen,
            review_on=review,  # type: ignore[misc]  # checked above
            expires_on=expiry,  # type: ignore[misc]
        )
        audit_record(
            actor=actor,
            action="warning.place",
            obj=marker,
            details={
                "address": str(address.pk),
                "case": chosen.reference,
                "level": level,
                "category": category,
                "review_on": review.isoformat() if review else "",
                "expires_on": expiry.isoformat() if expiry else "",
                "restriction": code,
            },
        )
    return marker


def warning_restrict(*, actor: Any, marker: WarningMarker, restriction: Any) -> WarningMarker:
    """Change who may read a marker's reasons: only caseworkers of its owning agency."""
    if not (can_work_cases(actor) and may_change_restriction(actor, marker.owner_agency_id)):
        raise PermissionDenied("Only the agency that placed the marker can change its restriction")
    with transaction.atomic():
        change = restriction_change(marker, restriction)
        if change is not None:
            audit_record(actor=actor, action="warning.restrict", obj=marker, details=change)
    return marker


def warning_review(
    *,
    actor: Any,
    marker: WarningMarker,
    review_on: Any,
    expires_on: Any,
    advice: Any = None,
    expected_version: int | None = None,
) -> WarningMarker:
    """Record a review: the next review date, the expiry (kept or moved), the advice.
    `expected_version`: the marker's version the reviewer started from (core.versioning)."""
    if not can_manage_marker(actor, marker):
        raise PermissionDenied("Only the owning agency or the case's agencies review a marker")
    require_version(marker, expected_version)
    errors: dict[str, str] = {}
    if marker.withdrawn_at is not None:
        errors["review_on"] = "This marker was withdrawn: place a new one instead"
    new_advice = marker.advice
    if advice is not None:
        new_advice = text_value(
            errors, "advice", advice, label="Safety advice", max_length=ADVICE_MAX, required=True
        )
    review, expiry = _review_and_expiry(errors, review_on, expires_on, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    previous = {
        "review_on": marker.review_on.isoformat(),
        "expires_on": marker.expires_on.isoformat(),
    }
    with (
        transaction.atomic(),
        versioned_save(marker, actor=actor, expected_version=expected_version),
    ):
        marker.review_on = review  # type: ignore[assignment]
        marker.expires_on = expiry  # type: ignore[assignment]
        marker.advice = new_advice
        marker.save(update_fields=["review_on", "expires_on", "advice", "updated_at"])
        audit_record(
            actor=actor,
            action="warning.review",
            obj=marker,
            details={
                "from": previous,
                "to": {
                    "review_on": marker.review_on.isoformat(),
                    "expires_on": marker.expires_on.isoformat(),
                },
                "version": marker.version,
            },
        )
    return marker


def warning_withdraw(
    *, actor: Any, marker: WarningMarker, reason: Any, expected_version: int | None = None
) -> WarningMarker:
    if not can_manage_marker(actor, marker):
        raise PermissionDenied("Only the owning agency or the case's agencies withdraw a marker")
    require_version(marker, expected_version)
    errors: dict[str, str] = {}
    if marker.withdrawn_at is not None:
        errors["reason"] = "This marker is already withdrawn"
    text = text_value(
        errors, "reason", reason, label="Reason", max_length=REASON_MAX, required=True
    )
    if errors:
        raise ValidationError(errors)
    with (
        transaction.atomic(),
        versioned_save(marker, actor=actor, expected_version=expected_version),
    ):
        marker.withdrawn_at = timezone.now()
        marker.withdrawn_reason = text
        marker.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
        audit_record(
            actor=actor, action="warning.withdraw", obj=marker, details={"version": marker.version}
        )
    return marker
