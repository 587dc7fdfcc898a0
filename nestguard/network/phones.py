"""Phone numbers and vehicle marks as the network stores them: E.164 for numbers (the one
normaliser, `nestguard.core.phones`), upper case without spaces for VRMs."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from nestguard.core.phones import NOT_A_NUMBER, e164, national

__all__ = ["NOT_A_NUMBER", "NOT_A_VRM", "e164", "national", "vrm"]

NOT_A_VRM = "Enter a vehicle registration mark, like AB12 CDE"
_VRM = re.compile(r"^[A-Z0-9]{2,8}$")


def vrm(value: str) -> str:
    cleaned = re.sub(r"\s+", "", value or "").upper()
    if not _VRM.match(cleaned):
        raise ValidationError(NOT_A_VRM)
    return cleaned
