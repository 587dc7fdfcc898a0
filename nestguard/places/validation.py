"""Checks on what a person or a partner system types about a place, shared by the places
pages (forms.py) and the API so that both refuse the same input with the same message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from nestguard.core.forms import clean_text
from nestguard.places.postcodes import normalise_postcode

POSTCODE_REQUIRED = "Enter a postcode"
POSTCODE_INVALID = "Enter a full UK postcode, like NB1 2AB"


def clean_postcode(value: object) -> str:
    """A postcode typed by a person or sent by a partner system, in standard form; raises a
    ValidationError with the GOV.UK message otherwise. Shared by the page and the API."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(POSTCODE_REQUIRED)
    if not isinstance(value, str) or len(value) > 20:
        raise ValidationError(POSTCODE_INVALID)
    text = clean_text(value, label="Postcode")
    normal = normalise_postcode(text)
    if normal is None:
        raise ValidationError(POSTCODE_INVALID)
    return normal


# The door check ----------------------------------------------------------------------

UPRN_INVALID = "A UPRN is 1 to 12 digits, like 770000000001"
NUMBER_REQUIRED = "Enter the house number or name"
DOOR_QUERY_REQUIRED = "Enter a UPRN, or a postcode and a house number or name"


def clean_door_query(
    uprn: Any, postcode: Any, number: Any
) -> tuple[dict[str, str], dict[str, str]]:
    """(the question, field errors): a UPRN, or a postcode with a house number or name.
    Shared by the page and the API so that both refuse the same input the same way."""
    errors: dict[str, str] = {}
    texts = {}
    for name, value in (("uprn", uprn), ("postcode", postcode), ("number", number)):
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value) > 100:
            errors[name] = {"uprn": UPRN_INVALID, "postcode": POSTCODE_INVALID}.get(
                name, "Enter the house number or name in 100 characters or fewer"
            )
            value = ""
        try:
            texts[name] = clean_text(
                value,
                label={"uprn": "UPRN", "postcode": "Postcode"}.get(name, "House number or name"),
            )
        except ValidationError as exc:
            errors[name] = exc.messages[0]
            texts[name] = ""
    if errors:
        return {}, errors
    if texts["uprn"]:
        if not texts["uprn"].isascii() or not texts["uprn"].isdigit() or len(texts["uprn"]) > 12:
            return {}, {"uprn": UPRN_INVALID}
        return {"uprn": texts["uprn"].lstrip("0") or "0"}, {}
    if not texts["postcode"] and not texts["number"]:
        return {}, {"uprn": DOOR_QUERY_REQUIRED}
    try:
        postcode_value = clean_postcode(texts["postcode"])
    except ValidationError as exc:
        errors["postcode"] = exc.messages[0]
    if not texts["number"]:
        errors["number"] = NUMBER_REQUIRED
    if errors:
        return {}, errors
    return {"postcode": postcode_value, "number": texts["number"]}, {}
