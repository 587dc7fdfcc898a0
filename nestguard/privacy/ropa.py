"""The record of processing activities (UK GDPR Article 30) and the DPIA, generated from the
system itself each time they are asked for (decision 0103): the purposes of a read
(access/data/purposes.json), the record classes the apps register with the door and the
purposes their policies scope, the sharing agreements in force and their lawful bases, and
`data/ropa.json` for what the code cannot know (categories of data and of people, recipients).
A test fails when a registered model or a purpose is missing from the data file, so the
record cannot silently fall behind the code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from nestguard.access import door
from nestguard.accounts.models import SharingAgreement, lawful_bases
from nestguard.privacy.retention import retention_text

DATA = Path(__file__).parent / "data"
PURPOSE = "data_protection"


@cache
def ropa_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "ropa.json").read_text(encoding="utf-8"))
    return data


@cache
def dpia_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "dpia.json").read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Holding:
    """One class of records the system holds (a model registered with the door)."""

    label: str
    name: str
    personal: bool
    special: bool
    data: tuple[str, ...]
    subjects: tuple[str, ...]
    purposes: tuple[str, ...]
    retention: str


@dataclass(frozen=True)
class Agreement:
    name: str
    parties: tuple[str, ...]
    purposes: str
    lawful_basis: str
    basis_code: str
    starts_on: date
    review_on: date
    ends_on: date | None
    in_force: bool


@dataclass(frozen=True)
class Activity:
    """One purpose of processing: a row of the record of processing activities."""

    code: str
    label: str
    description: str
    lawful_bases: tuple[str, ...]
    shared: bool
    agreements: tuple[str, ...]
    recipients: tuple[str, ...]
    holdings: tuple[Holding, ...]
    special: bool

    @property
    def data(self) -> list[str]:
        return _union(h.data for h in self.holdings)

    @property
    def subjects(self) -> list[str]:
        return _union(h.subjects for h in self.holdings)

    @property
    def retention(self) -> list[str]:
        return [f"{h.name}: {h.retention}" for h in self.holdings]


@dataclass(frozen=True)
class Record:
    generated_at: datetime
    version: str
    controller: str
    dpo_contact: str
    transfers: str
    security_measures: tuple[str, ...]
    activities: tuple[Activity, ...]
    holdings: tuple[Holding, ...]
    agreements: tuple[Agreement, ...]


def _union(groups: Any) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return list(seen)


def model_purposes(model: Any) -> list[str]:
    """The purposes a record class serves: the data file's, and those its policy scopes."""
    entry = ropa_data()["models"].get(model._meta.label, {})
    scoped = [p for p in door.policy_for(model).scopes if p in door.purposes()]
    return _union([entry.get("purposes", []), scoped])


def holdings() -> list[Holding]:
    """Every record class registered with the door, as the data file describes it."""
    described = ropa_data()["models"]
    out = []
    for model in door.registered_models():
        label = model._meta.label
        entry = described.get(label)
        if entry is None:
            raise LookupError(f"{label} is not described in privacy/data/ropa.json")
        out.append(
            Holding(
                label=label,
                name=str(model._meta.verbose_name_plural).capitalize(),
                personal=bool(entry["personal"]),
                special=bool(entry.get("special", False)),
                data=tuple(entry["data"]),
                subjects=tuple(entry["subjects"]),
                purposes=tuple(model_purposes(model)),
                retention=retention_text(label),
            )
        )
    return out


def agreements(user: Any) -> list[Agreement]:
    today = timezone.localdate()
    records = door.visible(user, SharingAgreement, purpose=PURPOSE)
    bases = lawful_bases()
    return [
        Agreement(
            name=a.name,
            parties=tuple(sorted(p.name for p in a.parties.all())),
            purposes=a.purposes,
            lawful_basis=bases.label(a.lawful_basis),
            basis_code=a.lawful_basis,
            starts_on=a.starts_on,
            review_on=a.review_on,
            ends_on=a.ends_on,
            in_force=a.is_active(today),
        )
        for a in records.order_by("name", "pk")
    ]


def _covering(purpose: dict[str, Any], records: list[Agreement]) -> tuple[str, ...]:
    """The agreements in force that cover a shared purpose: those whose lawful basis is one
    of the purpose's (an agreement's purposes are free text, so its basis is what the system
    can match; the agreement's own words are in the agreements table)."""
    if not purpose["shared"]:
        return ()
    return tuple(r.name for r in records if r.in_force and r.basis_code in purpose["lawful_bases"])


def record_of_processing(user: Any) -> Record:
    """The record as the system stands now, for `user` (a data protection officer)."""
    data = ropa_data()
    held = holdings()
    agreed = agreements(user)
    bases = lawful_bases()
    activities = []
    for code in door.purposes().values:
        entry = data["purposes"].get(code)
        if entry is None:
            raise LookupError(f"the purpose {code} is not described in privacy/data/ropa.json")
        serving = tuple(h for h in held if code in h.purposes)
        activities.append(
            Activity(
                code=code,
                label=door.purposes().label(code),
                description=entry["description"],
                lawful_bases=tuple(bases.label(b) for b in entry["lawful_bases"]),
                shared=bool(entry["shared"]),
                agreements=_covering(entry, agreed),
                recipients=tuple(entry["recipients"]),
                holdings=serving,
                special=any(h.special for h in serving),
            )
        )
    return Record(
        generated_at=timezone.now(),
        version=data["version"],
        controller=data["controller"]["name"],
        dpo_contact=data["controller"]["dpo_contact"],
        transfers=data["transfers"],
        security_measures=tuple(data["security_measures"]),
        activities=tuple(activities),
        holdings=tuple(held),
        agreements=tuple(agreed),
    )


@dataclass(frozen=True)
class Assessment:
    """A DPIA template filled from the record of processing."""

    record: Record
    screening: tuple[dict[str, Any], ...]
    necessity: tuple[str, ...]
    risks: tuple[dict[str, Any], ...]
    source: str

    @property
    def required(self) -> bool:
        return any(item["applies"] for item in self.screening)


def impact_assessment(user: Any) -> Assessment:
    data = dpia_data()
    return Assessment(
        record=record_of_processing(user),
        screening=tuple(data["screening"]),
        necessity=tuple(data["necessity"]),
        risks=tuple(data["risks"]),
        source=data["source"],
    )
