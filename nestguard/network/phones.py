"""Phone numbers and vehicle marks as the network stores them: E.164 for numbers (region GB,
with the `phonenumbers` library), upper case without spaces for VRMs."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError

NOT_A_NUMBER = "Enter a UK phone number, like 07700 900123 or +44 7700 900123"
NOT_A_VRM = "Enter a vehicle registration mark, like AB12 CDE"
_VRM = re.compile(r"^[A-Z0-9]{2,8}$")


def e164(number: str) -> str:
    """The number in E.164 form (+447700900123), or ValidationError."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(NOT_A_NUMBER) from None
    # Possible, not valid: Ofcom's drama ranges (07700 900xxx), which synthetic and training
    # data use, are not allocated, so `is_valid_number` refuses them; the length check stays.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValidationError(NOT_A_NUMBER)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(number: str) -> str:
    """How people read it: 07700 900123 for a UK number, international form otherwise."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def vrm(value: str) -> str:
    cleaned = re.sub(r"\s+", "", value or "").upper()
    if not _VRM.match(cleaned):
        raise ValidationError(NOT_A_VRM)
    return cleaned
