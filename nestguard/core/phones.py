"""UK phone numbers as Nestguard stores them: E.164 (+447700900123), normalised with the
`phonenumbers` library for region GB. The one normaliser: the network's objects, partner
intelligence and referral subjects all call it (decision 0098)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

REGION = "GB"
NOT_A_NUMBER = "Enter a UK phone number, like 07700 900123 or +44 7700 900123"


def e164(number: str) -> str:
    """The number in E.164 form (+447700900123), or ValidationError."""
    try:
        parsed = phonenumbers.parse(number, REGION)
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
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return number
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)
