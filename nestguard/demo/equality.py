"""Equality monitoring details for the demo borough's people (decision 0091): a realistic mix
in which much is simply not recorded, as in agencies' records.

Deterministic without depending on row order or random keys: each person's values come from
a hash of the seed and what the borough made them (name, date of birth, age), so the same
seed gives the same borough. A few grouped UPDATEs, not one per person.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from nestguard.demo import names
from nestguard.people.models import Person

# Shares of those whose ethnic group is recorded, roughly England's 2021 census population
# (ONS TS021), so the demo's monitoring table looks like a borough's.
ETHNICITY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("white_british", 73.5), ("white_irish", 0.9), ("white_gypsy_irish_traveller", 0.1),
    ("white_roma", 0.2), ("white_other", 6.3), ("mixed_white_black_caribbean", 0.9),
    ("mixed_white_black_african", 0.4), ("mixed_white_asian", 0.8), ("mixed_other", 0.7),
    ("asian_indian", 3.3), ("asian_pakistani", 2.8), ("asian_bangladeshi", 1.1),
    ("asian_chinese", 0.8), ("asian_other", 1.7), ("black_african", 2.6),
    ("black_caribbean", 1.1), ("black_other", 0.5), ("other_arab", 0.6), ("other_any", 1.6),
)  # fmt: skip
BATCH = 500


def _fraction(seed: int, key: str, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}|{salt}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _pick(weights: Sequence[tuple[str, float]], fraction: float) -> str:
    total = sum(w for _, w in weights)
    point = fraction * total
    for code, weight in weights:
        point -= weight
        if point < 0:
            return code
    return weights[-1][0]


def _sex(given_name: str, fraction: float) -> str:
    # About one record in five states no sex; a few say "not known".
    if fraction < 0.20:
        return ""
    if fraction < 0.23:
        return "not_known"
    if given_name in names.GIVEN_NAMES_MALE:
        return "male"
    if given_name in names.GIVEN_NAMES_FEMALE:
        return "female"
    return "male" if fraction < 0.6 else "female"


def _gender_identity(age: int | None, fraction: float) -> str:
    # Voluntary and asked of people aged 16 or over only; most records never asked it.
    if age is None or age < 16 or fraction < 0.7:
        return ""
    if fraction < 0.96:
        return "same"
    return "different" if fraction < 0.975 else "prefer_not_to_say"


def _ethnicity(fraction: float, choice: float) -> str:
    # About two records in five have none recorded; some say not known or declined.
    if fraction < 0.40:
        return ""
    if fraction < 0.45:
        return "not_known"
    if fraction < 0.48:
        return "prefer_not_to_say"
    return _pick(ETHNICITY_WEIGHTS, choice)


def _age(born: date | None, estimate: int | None, today: date) -> int | None:
    if born is None:
        return estimate
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def values_for(seed: int, person: Mapping[str, Any], today: date) -> tuple[str, str, str]:
    key = "|".join(
        str(person[k]) for k in ("given_name", "family_name", "date_of_birth", "age_estimate")
    )
    age = _age(person["date_of_birth"], person["age_estimate"], today)
    return (
        _sex(person["given_name"], _fraction(seed, key, "sex")),
        _gender_identity(age, _fraction(seed, key, "gender")),
        _ethnicity(_fraction(seed, key, "ethnicity"), _fraction(seed, key, "ethnic group")),
    )


def seed_equality(*, seed: int, today: date) -> dict[str, int]:
    """Give the borough's named people equality monitoring details; returns counts."""
    people = Person.objects.filter(identity_unknown=False).values(
        "pk", "given_name", "family_name", "date_of_birth", "age_estimate"
    )
    groups: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for person in people.iterator(chunk_size=2000):
        groups[values_for(seed, person, today)].append(person["pk"])
    recorded = 0
    for (sex, gender, ethnicity), pks in groups.items():
        if not (sex or gender or ethnicity):
            continue
        for start in range(0, len(pks), BATCH):
            Person.objects.filter(pk__in=pks[start : start + BATCH]).update(
                sex=sex, gender_identity=gender, ethnicity=ethnicity
            )
        recorded += len(pks)
    return {"people_with_equality_details": recorded}
