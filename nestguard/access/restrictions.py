"""Handling restrictions: who may read one note, chronology entry or warning marker among
those who may otherwise see its case or property (docs/decisions/0078-handling-restrictions.md).

The codes and their readers are data (`access/data/handling_restrictions.json`):

- `case_team`: everyone who may otherwise see the record;
- `originating_agency`: only users of the agency that recorded it;
- `agency_types`: only users of agencies of those types (police), and the recording agency.

The recording agency always reads what it recorded, so that it can correct or lift a
restriction. A code the list does not know hides the record (deny by default). These
functions build filters only; each model's `restricted_for(user)` applies them on top of
the visibility of its case or property, which the access door decides.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from nestguard.core.codes import CodeList, code_list
from nestguard.core.forms import GovukForm

READERS = ("case_team", "originating_agency", "agency_types")
RESTRICTION_INVALID = "Choose a handling restriction from the list"


@cache
def handling_restrictions() -> CodeList:
    codes = code_list("access", "handling_restrictions")
    defaults = [c.code for c in codes.codes if c.get("default")]
    if len(defaults) != 1:
        raise ValueError("handling_restrictions must mark exactly one code as the default")
    for item in codes.codes:
        if item.get("readers") not in READERS:
            raise ValueError(f"handling_restrictions: {item.code} has no known readers")
        if item.get("readers") == "agency_types" and not item.get("agency_types"):
            raise ValueError(f"handling_restrictions: {item.code} names no agency types")
    return codes


def default_restriction() -> str:
    return next(c.code for c in handling_restrictions().codes if c.get("default"))


def withheld_from_subject() -> list[str]:
    """Codes whose records a subject access disclosure leaves out."""
    return [c.code for c in handling_restrictions().codes if c.get("withhold_from_subject")]


def restriction_filter(user: Any, *, agency_field: str) -> Q:
    """The rows `user` may read by their restriction; `agency_field` names the recording
    agency on the model."""
    codes = handling_restrictions().codes
    condition = Q(restriction__in=[c.code for c in codes if c.get("readers") == "case_team"])
    agency_id = (
        getattr(user, "agency_id", None) if getattr(user, "is_authenticated", False) else None
    )
    if agency_id is None:
        return condition
    condition |= Q(**{agency_field: agency_id})
    agency_type = getattr(getattr(user, "agency", None), "type", None)
    for item in codes:
        if item.get("readers") == "agency_types" and agency_type in item["agency_types"]:
            condition |= Q(restriction=item.code)
    return condition


def clean_restriction(errors: dict[str, str], value: Any, field: str = "restriction") -> str:
    """A code of the list (the default when not given); an error on `field` otherwise."""
    if value is None or value == "":
        return default_restriction()
    if not isinstance(value, str) or value not in handling_restrictions():
        errors[field] = RESTRICTION_INVALID
        return ""
    return value


def restriction_change(record: Any, restriction: Any) -> dict[str, str] | None:
    """For an `<entity>_restrict` service, inside its transaction: set the record's new
    code and save it; the {"from", "to"} its audit event records, or None when unchanged.
    Raises ValidationError (nothing written) for a code the list does not know."""
    errors: dict[str, str] = {}
    code = clean_restriction(errors, restriction)
    if errors:
        raise ValidationError(errors)
    if code == record.restriction:
        return None
    change = {"from": record.restriction, "to": code}
    record.restriction = code
    record.save(update_fields=["restriction", "updated_at"])
    return change


def may_change_restriction(user: Any, agency_id: Any) -> bool:
    """Only users of the agency that recorded it change its restriction."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "agency_id", None) is not None
        and user.agency_id == agency_id
    )


def restriction_label(code: str) -> str:
    return handling_restrictions().label(code)


def restriction_form_field() -> forms.ChoiceField:
    """GOV.UK radios of the codes, the default chosen; the pages of every app use it.
    Not required: a form sent without it (the radios start on the default) keeps the
    default, as the service does."""
    return forms.ChoiceField(
        required=False,
        label="Who may read it?",
        help_text="Your agency can always read what it records, and change this later.",
        choices=handling_restrictions().choices,
        initial=default_restriction(),
        widget=forms.RadioSelect,
        error_messages={"required": RESTRICTION_INVALID, "invalid_choice": RESTRICTION_INVALID},
    )


class RestrictionForm(GovukForm):
    """Changing the restriction of one record (a note, an entry, a marker)."""

    restriction = restriction_form_field()
