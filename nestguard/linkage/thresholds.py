"""The linkage thresholds, as data (`data/thresholds.json`), validated on load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

THRESHOLDS_PATH = Path(__file__).parent / "data" / "thresholds.json"


@dataclass(frozen=True)
class Thresholds:
    version: str
    source: str
    person_upper: float
    person_lower: float
    address_accept: float
    address_review: float
    candidate_minimum: float
    candidate_limit: int


def _probability(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ImproperlyConfigured(f"{THRESHOLDS_PATH.name}: {name} must be between 0 and 1")
    return float(value)


def parse_thresholds(raw: dict) -> Thresholds:  # type: ignore[type-arg]
    try:
        person, address, candidates = raw["person"], raw["address"], raw["candidates"]
        found = Thresholds(
            version=str(raw["version"]),
            source=str(raw["source"]),
            person_upper=_probability(person["upper"], "person.upper"),
            person_lower=_probability(person["lower"], "person.lower"),
            address_accept=_probability(address["accept"], "address.accept"),
            address_review=_probability(address["review"], "address.review"),
            candidate_minimum=_probability(candidates["minimum_probability"], "candidates"),
            candidate_limit=int(candidates["limit"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{THRESHOLDS_PATH.name} is malformed: {exc}") from exc
    if not found.source:
        raise ImproperlyConfigured(f"{THRESHOLDS_PATH.name}: every rule needs its source")
    if found.person_lower >= found.person_upper:
        raise ImproperlyConfigured("person.lower must be below person.upper")
    if found.address_review >= found.address_accept:
        raise ImproperlyConfigured("address.review must be below address.accept")
    if not 1 <= found.candidate_limit <= 50:
        raise ImproperlyConfigured("candidates.limit must be between 1 and 50")
    return found


@cache
def thresholds() -> Thresholds:
    return parse_thresholds(json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8")))
