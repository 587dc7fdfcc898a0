"""The people of the demo: victims, people at risk, suspected exploiters and associates,
with pools that let exploiters turn up in several cases and the odd victim become a suspect."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from nestguard.core.calendar import UK
from nestguard.demo import names

ACTIVE_NETWORK = 300  # how many recent suspected exploiters new cases draw on


@dataclass(frozen=True, slots=True)
class PersonRef:
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date | None
    age_estimate: int | None
    identity_unknown: bool
    description: str
    aliases: str
    born: int  # year, for ages later

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in [self.given_name, self.family_name] if p)
        return name or "Unknown person"


def new_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class PeopleMaker:
    def __init__(self, rng: random.Random, profile: dict[str, Any], today: date) -> None:
        self.rng = rng
        self.profile = profile
        self.today = today
        self.exploiters: list[PersonRef] = []
        self.former_victims: list[PersonRef] = []
        self.persons: list[dict[str, Any]] = []
        self.aliases: list[dict[str, Any]] = []

    def take_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows, aliases = self.persons, self.aliases
        self.persons, self.aliases = [], []
        return rows, aliases

    def _make(
        self,
        *,
        age: int,
        male: bool,
        when: datetime,
        agency_id: Any,
        unknown: bool = False,
        alias: str = "",
        description: str = "",
    ) -> PersonRef:
        rng = self.rng
        given = (
            ""
            if unknown
            else rng.choice(names.GIVEN_NAMES_MALE if male else names.GIVEN_NAMES_FEMALE)
        )
        family = "" if unknown else rng.choice(names.FAMILY_NAMES)
        on = when.astimezone(UK).date()
        dob: date | None = None
        estimate: int | None = None
        if not unknown and rng.random() < 0.8:
            dob = on - timedelta(days=age * 365 + rng.randint(0, 364))
            born = dob.year
        else:
            estimate = age + (self.today - on).days // 365
            born = on.year - age
        ref = PersonRef(
            new_id(rng), given, family, dob, estimate, unknown, description, alias, born
        )
        self.persons.append(
            dict(
                id=ref.id,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                age_estimate=estimate,
                identity_unknown=unknown,
                description=description,
                created_by_agency_id=agency_id,
                created_at=when,
            )
        )
        if alias:
            self.aliases.append(dict(person_id=ref.id, name=alias, created_at=when))
        return ref

    def victim(
        self, *, child: bool, concerns: list[str], when: datetime, agency_id: Any
    ) -> PersonRef:
        rng = self.rng
        if child:
            age, male = rng.randint(12, 17), rng.random() < (0.3 if "cse" in concerns else 0.8)
        elif "financial" in concerns or "family" in concerns:
            age, male = rng.randint(30, 88), rng.random() < 0.45
        elif "sexual" in concerns:
            age, male = rng.randint(18, 45), rng.random() < 0.1
        else:
            age, male = min(85, max(18, round(rng.gauss(44, 13)))), rng.random() < 0.6
        ref = self._make(age=age, male=male, when=when, agency_id=agency_id)
        self.former_victims.append(ref)
        return ref

    def repeat_victim(self) -> PersonRef | None:
        pool = self.former_victims
        return self.rng.choice(pool[-2000:]) if pool else None

    def exploiter(self, *, when: datetime, agency_id: Any) -> PersonRef:
        rng = self.rng
        if self.exploiters and rng.random() < self.profile["exploiter_reuse"]:
            return rng.choice(self.exploiters[-ACTIVE_NETWORK:])
        if self.former_victims and rng.random() < self.profile["victim_turned_exploiter"]:
            candidate = rng.choice(self.former_victims[-2000:])
            if when.year - candidate.born >= 15:
                self.exploiters.append(candidate)
                return candidate
        alias = rng.choice(names.STREET_ALIASES) if rng.random() < 0.45 else ""
        unknown = rng.random() < 0.2
        if unknown:
            alias = alias or rng.choice(names.STREET_ALIASES)
            description = rng.choice(names.UNKNOWN_DESCRIPTIONS).format(alias=f"'{alias}'")
        else:
            description = ""
        ref = self._make(
            age=rng.randint(16, 38),
            male=rng.random() < 0.85,
            when=when,
            agency_id=agency_id,
            unknown=unknown,
            alias=alias,
            description=description,
        )
        self.exploiters.append(ref)
        return ref

    def associate(self, *, when: datetime, agency_id: Any) -> PersonRef:
        rng = self.rng
        return self._make(
            age=rng.randint(18, 60), male=rng.random() < 0.6, when=when, agency_id=agency_id
        )

    def at_risk(
        self, *, child: bool, concerns: list[str], when: datetime, agency_id: Any
    ) -> PersonRef:
        """Someone named on a referral that did not become a case."""
        return self.victim(child=child, concerns=concerns, when=when, agency_id=agency_id)
