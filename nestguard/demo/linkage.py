"""The demo's person index: what each agency's own system knows of the borough's people.

Real agency records of the same person differ: the school has "Jay Smith", children's social
care "Jayden Smith-Okoro, 03/07/2010", the police a nickname and an old address. So each of a
sample of the demo's people is sent by two to four agencies, each with its own variations
(nicknames, typos, swapped day and month, a partial date, a missing phone, a move), and some
people are known to one agency only. All synthetic, written in bulk (docs/decisions/0005);
the first linkage run (`nestguard link`, or the person index page) links them.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError

from nestguard.demo.bulk import bulk_insert
from nestguard.demo.partnership import Partnership
from nestguard.linkage.models import Cluster, SourceRecord
from nestguard.linkage.services.records import RECORD_FIELDS, parse_partial_date
from nestguard.people.models import Person
from nestguard.places.models import Address

# Which agencies send records, and the name of their system (invented, generic).
SYSTEMS: dict[str, str] = {
    "police": "Police records system",
    "csc": "Children's social care case system",
    "asc": "Adult social care case system",
    "school": "School information system",
    "school2": "School information system",
    "health": "Community health record",
    "ed": "Emergency department system",
    "housing": "Housing management system",
    "yjs": "Youth justice case system",
    "probation": "Probation case system",
}
NICKNAMES = {
    "Jayden": "Jay", "Thomas": "Tom", "Daniel": "Danny", "Joshua": "Josh", "Matthew": "Matt",
    "Christopher": "Chris", "Nathan": "Nate", "Samuel": "Sam", "Jessica": "Jess",
    "Rebecca": "Becky", "Katherine": "Kate", "Elizabeth": "Beth", "Alexander": "Alex",
    "Benjamin": "Ben", "Jacob": "Jake", "Michael": "Mike", "William": "Will", "Charlotte": "Lottie",
}  # fmt: skip
VARIATIONS = ("same", "nickname", "typo", "swap_day_month", "partial_date", "no_phone", "moved")
# The issue's own example: one boy, three agencies, three versions of him.
FEATURED: tuple[tuple[str, dict[str, str]], ...] = (
    ("school", {"given_name": "Jay", "family_name": "Smith", "date_of_birth": "2010"}),
    ("csc", {"given_name": "Jayden", "family_name": "Smith-Okoro", "date_of_birth": "2010-07-03"}),
    ("police", {"given_name": "Jayden", "family_name": "Smith-Okoro",
                "date_of_birth": "2010-03-07", "identifier": "NB/24/0613"}),
    ("yjs", {"given_name": "Jaden", "family_name": "Smith Okoro", "date_of_birth": "2010-07-03"}),
    # A month typed as 70: not a real date, kept as sent and compared as text (decision 0113).
    ("ed", {"given_name": "Jayden", "family_name": "Smith-Okoro", "date_of_birth": "2010-70-03"}),
)  # fmt: skip


def _vary(rng: random.Random, row: dict[str, str], kind: str, moves: list[Address]) -> None:
    if kind == "nickname":
        row["given_name"] = NICKNAMES.get(row["given_name"], row["given_name"])
    elif kind == "typo" and len(row["family_name"]) > 3:
        name = row["family_name"]
        i = rng.randrange(1, len(name) - 2)
        row["family_name"] = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif kind == "swap_day_month" and row["date_of_birth"]:
        y, m, d = row["date_of_birth"].split("-")
        if int(d) <= 12:
            row["date_of_birth"] = f"{y}-{d}-{m}"
    elif kind == "partial_date" and row["date_of_birth"]:
        row["date_of_birth"] = row["date_of_birth"][:4]
    elif kind == "no_phone":
        row["phone"] = ""
    elif kind == "moved" and moves:
        _address(row, rng.choice(moves))


def _address(row: dict[str, str], address: Address) -> None:
    row.update(
        address_line1=address.line1[:200],
        address_line2=address.line2[:200],
        town=address.town[:100],
        postcode=address.postcode,
    )


def _row(
    agency: Any, system: str, record_id: str, values: dict[str, str], when: datetime
) -> dict[str, Any]:
    full = {name: values.get(name, "") for name in RECORD_FIELDS}
    full["record_id"] = record_id
    content = {name: full[name] for name in RECORD_FIELDS}
    # Kept as sent; the parsed date only when it is real (as the import stores it).
    full["date_of_birth_given"] = full["date_of_birth"]
    try:
        full["date_of_birth"] = parse_partial_date(full["date_of_birth"], today=when.date())
    except ValidationError:
        full["date_of_birth"] = ""
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return {
        **full,
        "id": uuid.uuid4(),
        "agency_id": agency.id,
        "system": system,
        "received_at": when,
        "created_at": when,
        "updated_at": when,
        "fingerprint": digest,
    }


def seed_source_records(
    *, rng: random.Random, partnership: Partnership, scale: float, now: datetime, batch_size: int
) -> int:
    """Source records from several agencies for a sample of the demo's people. → count."""
    agencies = {k: partnership.agencies[k] for k in SYSTEMS if k in partnership.agencies}
    keys = sorted(agencies)
    people = list(
        Person.objects.filter(identity_unknown=False, date_of_birth__isnull=False)
        .order_by("id")
        .values("given_name", "family_name", "date_of_birth")[: max(40, round(400 * scale))]
    )
    addresses = list(Address.objects.order_by("id")[: max(200, round(1000 * scale))])
    if not addresses:
        return 0
    rows: list[dict[str, Any]] = []
    serial = 0

    def add(key: str, values: dict[str, str]) -> None:
        nonlocal serial
        serial += 1
        agency = agencies[key]
        record_id = f"{key.upper()}-{serial:06d}"
        extra = {
            "contact_name": f"{agency.contact_name or 'Duty desk'}, {agency.name}",
            "contact_phone": agency.contact_phone,
            "contact_email": agency.contact_email,
        }
        rows.append(_row(agency, SYSTEMS[key], record_id, {**values, **extra}, now))

    for person in people:
        born = person["date_of_birth"]
        assert isinstance(born, date)
        base: dict[str, str] = {
            "given_name": person["given_name"],
            "family_name": person["family_name"],
            "date_of_birth": born.isoformat(),
            "sex": "",
            "phone": f"07700 9{rng.randint(0, 99999):05d}",
        }
        _address(base, rng.choice(addresses))
        knowers = rng.sample(keys, k=rng.choice((1, 2, 2, 3, 4)))
        for i, key in enumerate(knowers):
            row = dict(base)
            if i:
                _vary(rng, row, rng.choice(VARIATIONS), addresses)
            add(key, row)
    home = addresses[0]
    for key, values in FEATURED:
        if key in agencies:
            featured: dict[str, str] = {**values, "phone": "07700 900613"}
            _address(featured, home)
            add(key, featured)
    clusters: list[dict[str, Any]] = [
        {"id": uuid.uuid4(), "created_at": now, "updated_at": now} for _ in rows
    ]
    for written, cluster in zip(rows, clusters, strict=True):
        written["cluster_id"] = cluster["id"]
    bulk_insert(Cluster, clusters, batch_size)
    return bulk_insert(SourceRecord, rows, batch_size)
