"""Resolving an address typed on a referral to the register, and recording it when it cannot be.

`address_resolve` is the ONE place this happens, so that the fuzzy matcher (with a
confidence) that the linkage work will bring can replace it without touching its callers.
"""

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


_HOUSE_NUMBER = re.compile(r"\b(\d+[a-z]?)\b")


def house_key(line1: str) -> str:
    """What identifies the house within its postcode: its numbers in order ("Flat 3, 14 Canal
    Street" and "3/14 Canal St" both give "3 14"), or, for a named house with no number, the
    normalised first line ("rose cottage")."""
    normal = normalise_line(line1)
    numbers = _HOUSE_NUMBER.findall(normal.replace(" ", "  "))
    return " ".join(numbers) if numbers else normal


def match_in_register(postcode: str, line1: str) -> Address | None:
    """The one register address at the postcode with this house, or None (none or several)."""
    key = postcode_key(postcode)
    wanted_line, wanted_house = normalise_line(line1), house_key(line1)
    candidates = list(Address.objects.filter(postcode_key=key, in_register=True))
    exact = [a for a in candidates if normalise_line(a.line1) == wanted_line]
    if len(exact) == 1:
        return exact[0]
    by_house = [a for a in candidates if house_key(a.line1) == wanted_house]
    return by_house[0] if len(by_house) == 1 else None


def address_resolve(
    *, actor: Any, line1: str, line2: str = "", town: str = "", postcode: str
) -> Address:
    """The address as typed, matched to the register where possible.

    Matched by the normalised postcode and the house (number or name, see `house_key`): the
    register row is returned when exactly one fits. An address typed before with the same
    postcode and first line is reused. Otherwise the address is recorded as entered and flagged
    `in_register=False` ("not matched to the register") until someone resolves it.
    """
    clean, errors = validate_address_fields(line1=line1, line2=line2, town=town, postcode=postcode)
    if errors:
        raise ValidationError(errors)
    matched = match_in_register(clean["postcode"], clean["line1"])
    if matched is not None:
        return matched
    key = postcode_key(clean["postcode"])
    wanted = normalise_line(clean["line1"])
    typed_before = Address.objects.filter(postcode_key=key, in_register=False).order_by(
        "created_at"
    )
    for candidate in typed_before:
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
