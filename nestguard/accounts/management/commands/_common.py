"""Helpers shared by the administrators' commands."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from nestguard.accounts.models import Agency


def agency_by_name_or_id(value: str) -> Agency:
    try:
        return Agency.objects.get(pk=uuid.UUID(value))
    except (ValueError, Agency.DoesNotExist):
        pass
    try:
        return Agency.objects.get(name__iexact=value.strip())
    except Agency.DoesNotExist:
        raise CommandError(f"No agency is called or has the id {value!r}") from None


def raise_validation(exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    else:
        lines = exc.messages
    raise CommandError("; ".join(lines))
