"""Every write to addresses. Each call that records something is audited."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.places.models import Address
from nestguard.places.postcodes import normalise_postcode, postcode_key

# Common abbreviations in the first line of an address, expanded before comparing.
_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "dr": "drive",
    "ct": "court",
    "cres": "crescent",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "tce": "terrace",
    "ho": "house",
}


def normalise_line(line: str) -> str:
    """A first line reduced for comparison: case, punctuation, spacing and abbreviations."""
    words = re.sub(r"[^0-9a-z]+", " ", (line or "").casefold()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _text(errors: dict[str, str], field: str, value: Any, label: str, max_length: int) -> str:
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


def validate_address_fields(
    *, line1: Any, line2: Any = "", town: Any = "", postcode: Any
) -> tuple[dict[str, str], dict[str, str]]:
    """Shape checks shared with the referral's address section: (clean values, errors)."""
    errors: dict[str, str] = {}
    clean = {
        "line1": _text(errors, "line1", line1, "Address line 1", 200),
        "line2": _text(errors, "line2", line2 if line2 is not None else "", "Address line 2", 200),
        "town": _text(errors, "town", town if town is not None else "", "Town or city", 100),
    }
    if not clean["line1"] and "line1" not in errors:
        errors["line1"] = "Enter address line 1, typically the building and street"
    raw_postcode = _text(errors, "postcode", postcode, "Postcode", 20)
    if "postcode" not in errors:
        if not raw_postcode:
            errors["postcode"] = "Enter a postcode"
        else:
            normal = normalise_postcode(raw_postcode)
            if normal is None:
                errors["postcode"] = "Enter a full UK postcode, like NB1 2AB"
            else:
                clean["postcode"] = normal
    return clean, errors


def address_resolve(
    *, actor: Any, line1: str, line2: str = "", town: str = "", postcode: str
) -> Address:
    """The address as typed, matched to the register where possible.

    A register row (or an address typed before) with the same postcode and the same first line
    once normalised is returned as it is. Otherwise the address is recorded as entered and
    flagged `in_register=False` until someone resolves it.
    """
    clean, errors = validate_address_fields(line1=line1, line2=line2, town=town, postcode=postcode)
    if errors:
        raise ValidationError(errors)
    key = postcode_key(clean["postcode"])
    wanted = normalise_line(clean["line1"])
    candidates = Address.objects.filter(postcode_key=key).order_by("-in_register", "created_at")
    for candidate in candidates:
        if normalise_line(candidate.line1) == wanted:
            return candidate
    with transaction.atomic():
        address = Address.objects.create(
            line1=clean["line1"],
            line2=clean["line2"],
            town=clean["town"],
            postcode=clean["postcode"],
            postcode_key=key,
            in_register=False,
        )
        audit_record(
            actor=actor,
            action="address.record",
            obj=address,
            details={"in_register": False},
        )
    return address
