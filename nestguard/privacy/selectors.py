"""Reads of the breach log, starting from the door."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access.door import visible
from nestguard.core.keyset import Key
from nestguard.privacy.models import Breach, BreachNotice

# Newest awareness first; the index (agency, aware_at) serves it.
BREACH_KEYS = (Key("aware_at", descending=True), Key("pk", descending=True))


def breaches_for(user: Any) -> QuerySet[Breach]:
    return visible(user, Breach).select_related("recorded_by")


def notices_of(user: Any, breach: Breach) -> QuerySet[BreachNotice]:
    return visible(user, BreachNotice).filter(breach=breach).select_related("told_by")
