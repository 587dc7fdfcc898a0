"""Synthetic agency records with the errors real ones have, and their ground truth.

For measuring the linkage, never for the demo's people (those come from the demo seed).
Every person is invented: names are drawn from pools of common UK given names and
surnames, addresses from invented streets in invented postcode districts.

Each person has a first record (clean, as one agency holds it) and 0-3 more held by other
agencies, each with one kind of error, so that recall can be reported by error type.
Households (siblings, twins, parents sharing surname, address and landline) make the
near-misses that test precision.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from .normalise import name_variant_groups
from .records import FIELDS, SourceRecord

ERROR_TYPES = (
    "clean copy",
    "nickname",
    "swapped names",
    "transposed date",
    "surname change",
    "moved",
    "missing fields",
    "typos",
    "partial date",
)

_GIVEN_M = [
    "oliver",
    "jack",
    "harry",
    "george",
    "noah",
    "charlie",
    "jacob",
    "alfie",
    "freddie",
    "oscar",
    "leo",
    "james",
    "william",
    "thomas",
    "joshua",
    "daniel",
    "samuel",
    "joseph",
    "mohammed",
    "muhammad",
    "ali",
    "omar",
    "ibrahim",
    "yusuf",
    "adam",
    "ethan",
    "jayden",
    "tyler",
    "kyle",
    "liam",
    "connor",
    "callum",
    "ryan",
    "jordan",
    "reece",
    "kieran",
    "dylan",
    "lewis",
    "nathan",
    "luke",
    "michael",
    "david",
    "christopher",
    "matthew",
    "andrew",
    "richard",
    "robert",
    "john",
    "paul",
    "mark",
    "anthony",
    "stephen",
    "kevin",
    "tyrone",
    "kwame",
    "kofi",
    "chukwuemeka",
    "oluwaseun",
    "adebayo",
    "tobias",
    "max",
    "zachary",
    "benjamin",
    "alexander",
    "nicholas",
    "edward",
    "henry",
    "patrick",
    "peter",
    "timothy",
    "kayden",
    "mason",
    "logan",
    "riley",
    "archie",
    "theo",
]
_GIVEN_F = [
    "olivia",
    "amelia",
    "isla",
    "ava",
    "mia",
    "ivy",
    "lily",
    "isabella",
    "sophia",
    "grace",
    "freya",
    "emily",
    "ella",
    "poppy",
    "evie",
    "charlotte",
    "jessica",
    "chloe",
    "sophie",
    "lucy",
    "holly",
    "megan",
    "hannah",
    "aisha",
    "fatima",
    "zainab",
    "maryam",
    "amira",
    "jade",
    "leah",
    "shannon",
    "courtney",
    "chantelle",
    "demi",
    "tia",
    "kayla",
    "aaliyah",
    "precious",
    "blessing",
    "elizabeth",
    "margaret",
    "katherine",
    "rebecca",
    "victoria",
    "samantha",
    "jennifer",
    "sarah",
    "rachel",
    "laura",
    "emma",
    "natalie",
    "danielle",
    "abigail",
    "amanda",
    "deborah",
    "susan",
    "patricia",
    "louise",
    "caroline",
    "nicola",
    "kimberley",
    "melissa",
    "stephanie",
    "georgia",
    "eleanor",
    "florence",
    "ruby",
    "scarlett",
    "maisie",
    "rosie",
]
_SURNAMES = [
    "smith",
    "jones",
    "williams",
    "taylor",
    "brown",
    "davies",
    "evans",
    "wilson",
    "thomas",
    "johnson",
    "roberts",
    "robinson",
    "thompson",
    "wright",
    "walker",
    "white",
    "edwards",
    "hughes",
    "green",
    "hall",
    "lewis",
    "harris",
    "clarke",
    "patel",
    "jackson",
    "wood",
    "turner",
    "martin",
    "cooper",
    "hill",
    "ward",
    "morris",
    "moore",
    "clark",
    "lee",
    "king",
    "baker",
    "harrison",
    "morgan",
    "allen",
    "james",
    "scott",
    "phillips",
    "watson",
    "davis",
    "parker",
    "price",
    "bennett",
    "young",
    "griffiths",
    "mitchell",
    "kelly",
    "cook",
    "carter",
    "richardson",
    "bailey",
    "collins",
    "bell",
    "shaw",
    "murphy",
    "miller",
    "cox",
    "richards",
    "khan",
    "marshall",
    "anderson",
    "simpson",
    "ellis",
    "adams",
    "singh",
    "begum",
    "wilkinson",
    "foster",
    "chapman",
    "powell",
    "webb",
    "rogers",
    "gray",
    "mason",
    "ali",
    "hunt",
    "hussain",
    "campbell",
    "matthews",
    "owen",
    "palmer",
    "holmes",
    "mills",
    "barnes",
    "knight",
    "lloyd",
    "butler",
    "russell",
    "barker",
    "fisher",
    "stevens",
    "jenkins",
    "murray",
    "dixon",
    "harvey",
    "graham",
    "okoro",
    "okafor",
    "adeyemi",
    "mensah",
    "owusu",
    "boateng",
    "nwosu",
    "achterberg",
    "kowalski",
    "nowak",
    "wisniewski",
    "ahmed",
    "rahman",
    "chowdhury",
    "miah",
    "uddin",
    "islam",
    "akhtar",
    "iqbal",
    "mahmood",
    "butt",
    "sharma",
    "kaur",
    "gill",
    "obi",
    "campbell-brown",
    "smith-okoro",
    "o'brien",
    "mcdonald",
    "macleod",
    "fraser",
    "stewart",
    "reid",
]
_STREET_WORDS = [
    "oak",
    "elm",
    "ash",
    "beech",
    "birch",
    "cedar",
    "maple",
    "willow",
    "hawthorn",
    "rowan",
    "holly",
    "chestnut",
    "poplar",
    "alder",
    "station",
    "church",
    "mill",
    "bridge",
    "castle",
    "park",
    "manor",
    "grange",
    "meadow",
    "orchard",
    "spring",
    "brook",
    "river",
    "victoria",
    "albert",
    "queens",
    "kings",
    "princes",
    "windsor",
    "cambridge",
    "oxford",
    "york",
    "lancaster",
    "cuthbert",
    "aldous",
    "barnaby",
    "cromwell",
    "nelson",
    "wellington",
    "raleigh",
    "drake",
    "milton",
    "byron",
    "shelley",
]
_STREET_TYPES = [
    "road",
    "street",
    "avenue",
    "lane",
    "close",
    "drive",
    "crescent",
    "grove",
    "gardens",
    "way",
    "court",
    "terrace",
]
_TOWNS = [
    "Brackenford",
    "Eastmoor",
    "Hollinsgate",
    "Kirkbridge",
    "Lowther",
    "Marsden",
    "Northcote",
    "Oakhampton",
]
_DISTRICTS = ("BF1", "BF2", "BF3", "BF4", "EM1", "EM2", "HG5", "HG6", "KB7", "KB8", "LW9", "MR10")
_SOURCES = ("police", "school", "social_care", "health", "housing", "youth_offending")


@dataclass(frozen=True)
class LabelledRecord:
    record: SourceRecord
    person_id: int
    error_type: str  # the error this copy carries ("first" for the person's first record)


# Surnames beyond the common ones, made from English place-name parts ("Ashworth",
# "Thornbury"): real populations have a long tail of surnames, and without it everyone in
# a million records shares a surname with thousands of others, which no real borough does.
_SURNAME_STEMS = (
    "ald", "ash", "black", "brad", "brom", "carl", "crom", "dal", "elling", "farn",
    "green", "hal", "hart", "hol", "kings", "lang", "mar", "mid", "new", "north",
    "ren", "ross", "sel", "stan", "thorn", "wal", "west", "whit", "win", "wood",
)  # fmt: skip
_SURNAME_ENDINGS = (
    "worth", "ley", "ton", "field", "ford", "by", "well", "more", "ham", "stock",
    "hurst", "combe", "bury", "shaw", "dale", "ridge", "brook", "gate", "land", "wick",
)  # fmt: skip
_ALL_SURNAMES = _SURNAMES + sorted(
    {stem + ending for stem in _SURNAME_STEMS for ending in _SURNAME_ENDINGS} - set(_SURNAMES)
)
# Rank offsets of the Zipf-like weights 1 / (rank + offset): with these the commonest
# given name is held by about 2-5% of its sex and the commonest surname ("Smith") by about
# 1% of people, as in England and Wales, where Smith is about 1 in 80-100 (unverified
# here: general figures, not checked against ONS tables).
_GIVEN_OFFSET = 10
_SURNAME_OFFSET = 30


def _zipf_choice(rng: random.Random, pool: list[str], offset: int = _GIVEN_OFFSET) -> str:
    # Common names more common than rare ones (weights 1 / (rank + offset)).
    key = (len(pool), offset)
    weights = _WEIGHTS.get(key)
    if weights is None:
        weights = _WEIGHTS[key] = list(
            accumulate(1.0 / (rank + offset) for rank in range(len(pool)))
        )
    return rng.choices(pool, cum_weights=weights)[0]


_WEIGHTS: dict[tuple[int, int], list[float]] = {}


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]  # dropped letter
    if kind < 0.6:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # transposed letters
    if kind < 0.85:
        return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]  # wrong letter
    return text[:i] + text[i] + text[i:]  # doubled letter


def _cap(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class Generator:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self._variants: dict[str, list[str]] = {}
        for name, groups in name_variant_groups().items():
            for group in groups:
                self._variants.setdefault(group, []).append(name)
        rng = self.rng
        streets = sorted(
            {f"{rng.choice(_STREET_WORDS)} {rng.choice(_STREET_TYPES)}" for _ in range(400)}
        )
        self.streets = [
            (street, rng.choice(_TOWNS), rng.choice(_DISTRICTS), rng.randint(1, 9))
            for street in streets
        ]
        self._next_person = 0
        self._next_record = 0

    def _address(self) -> tuple[str, str, str]:
        rng = self.rng
        street, town, district, sector = rng.choice(self.streets)
        number = rng.randint(1, 180)
        letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters UK inward codes use
        unit = f"{district} {sector}{rng.choice(letters)}{rng.choice(letters)}"
        line1 = f"{number} {street.title()}"
        if rng.random() < 0.15:
            line1 = f"Flat {rng.randint(1, 20)}, {line1}"
        return line1, town, unit

    def _phone(self) -> str:
        return "07" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def _dob(self, around: date | None = None) -> date:
        if around is not None:
            return around
        return date(1945, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 70))

    def _record_id(self) -> str:
        self._next_record += 1
        return f"R{self._next_record:08d}"

    def household(self) -> list[SourceRecord]:
        """The first records of 1-4 people sharing a surname, address and landline."""
        rng = self.rng
        family = _zipf_choice(rng, _ALL_SURNAMES, _SURNAME_OFFSET)
        line1, town, postcode = self._address()
        landline = "01" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        size = rng.choices((1, 2, 3, 4), weights=(55, 20, 15, 10))[0]
        base_dob = self._dob()
        people = []
        used: set[str] = set()
        for member in range(size):
            sex = rng.choice("MF")
            given = _zipf_choice(rng, _GIVEN_M if sex == "M" else _GIVEN_F)
            while given in used:  # parents do not give two children one name
                given = rng.choice(_GIVEN_M if sex == "M" else _GIVEN_F)
            used.add(given)
            if member == 0 or rng.random() < 0.03:
                # A twin: about 3% of babies in England and Wales are born in multiple
                # births (ONS, Births in England and Wales: multiple maternities about 1.5
                # per 100; unverified here).
                dob = base_dob
            else:
                dob = base_dob + timedelta(days=rng.randint(300, 4000) * rng.choice((-1, 1)))
            people.append(
                SourceRecord(
                    record_id=self._record_id(),
                    source=rng.choice(_SOURCES),
                    given_name=_cap(given),
                    family_name=_cap(family),
                    date_of_birth=dob.isoformat(),
                    sex=sex,
                    address_line1=line1,
                    town=town,
                    postcode=postcode,
                    phone=self._phone() if rng.random() < 0.7 else landline,
                    identifier=(
                        f"{rng.randint(400, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                        if rng.random() < 0.5
                        else ""
                    ),
                )
            )
        return people

    def copy_with_error(self, first: SourceRecord, error: str) -> SourceRecord:
        rng = self.rng
        rec = replace(first, record_id=self._record_id(), source=rng.choice(_SOURCES))
        # Agencies hold different subsets: not every agency records phone or identifier.
        if rng.random() < 0.4:
            rec = replace(rec, identifier="")
        if rng.random() < 0.3:
            rec = replace(rec, phone="")
        if error == "nickname":
            key = first.given_name.lower()
            options = sorted(
                {v for g in name_variant_groups().get(key, ()) for v in self._variants[g]} - {key}
            )
            if options:
                rec = replace(rec, given_name=_cap(rng.choice(options)))
            else:
                rec = replace(rec, given_name=first.given_name[:3])
        elif error == "swapped names":
            rec = replace(rec, given_name=first.family_name, family_name=first.given_name)
        elif error == "transposed date":
            y, m, d = first.date_of_birth.split("-")
            if int(d) <= 12 and d != m:
                rec = replace(rec, date_of_birth=f"{y}-{d}-{m}")
            else:  # not swappable: a mistyped digit instead, as happens
                rec = replace(rec, date_of_birth=f"{y}-{m}-{int(d) % 9 + 10:02d}")
        elif error == "surname change":
            rec = replace(rec, family_name=_cap(_zipf_choice(rng, _ALL_SURNAMES, _SURNAME_OFFSET)))
        elif error == "moved":
            line1, town, postcode = self._address()
            rec = replace(rec, address_line1=line1, town=town, postcode=postcode, phone="")
        elif error == "missing fields":
            fields = ["date_of_birth", "sex", "address_line1", "postcode", "phone", "town"]
            for name in rng.sample(fields, rng.randint(2, 4)):
                rec = replace(rec, **{name: ""})
        elif error == "typos":
            for name in rng.sample(["given_name", "family_name", "address_line1", "postcode"], 2):
                rec = replace(rec, **{name: _typo(rng, getattr(rec, name))})
        elif error == "partial date":
            rec = replace(rec, date_of_birth=first.date_of_birth[: rng.choice((4, 7))])
        # Formatting differences every agency has.
        if rng.random() < 0.3:
            rec = replace(
                rec, given_name=rec.given_name.upper(), family_name=rec.family_name.upper()
            )
        if rng.random() < 0.3 and rec.postcode:
            rec = replace(rec, postcode=rec.postcode.replace(" ", "").lower())
        if rng.random() < 0.3 and rec.phone.startswith("07"):
            rec = replace(rec, phone="+44 " + rec.phone[1:5] + " " + rec.phone[5:])
        return rec

    def people(self, records: int) -> Iterator[LabelledRecord]:
        """About `records` labelled records: each person's first record and its copies."""
        rng = self.rng
        made = 0
        while made < records:
            for first in self.household():
                person = self._next_person
                self._next_person += 1
                yield LabelledRecord(first, person, "first")
                made += 1
                copies = rng.choices((0, 1, 2, 3), weights=(40, 35, 15, 10))[0]
                for _ in range(copies):
                    error = rng.choice(ERROR_TYPES)
                    yield LabelledRecord(self.copy_with_error(first, error), person, error)
                    made += 1


def generate(records: int, seed: int = 2026) -> list[LabelledRecord]:
    out = []
    for item in Generator(seed).people(records):
        out.append(item)
        if len(out) >= records:
            break
    return out


# The columns of a labelled file: the source record's fields, then its ground truth.
LABEL_COLUMNS = ("person_id", "error_type")
_CHUNK = 200_000


def write_parquet(path: str, records: int, seed: int = 2026, chunk: int = _CHUNK) -> int:
    """Write `generate(records, seed)` to a Parquet file, `chunk` records at a time, with
    the labels beside the fields; return the number of people.

    The same records in the same order as `generate`, without ever holding more than one
    chunk as Python objects: at ten million records the list of `generate` would take
    about 10 GB (decision 0137). Readers take the columns they need with Arrow or DuckDB.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [pa.field(name, pa.string()) for name in FIELDS]
        + [pa.field("person_id", pa.int64()), pa.field("error_type", pa.string())]
    )
    people = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[LabelledRecord] = []
        for made, item in enumerate(Generator(seed).people(records), start=1):
            batch.append(item)
            if len(batch) == chunk or made == records:
                writer.write_table(_labelled_table(batch, schema))
                people = batch[-1].person_id + 1
                batch = []
            if made == records:
                break
    return people


def _labelled_table(batch: list[LabelledRecord], schema: Any) -> Any:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {
        name: [getattr(item.record, name) for item in batch] for name in FIELDS
    }
    columns["person_id"] = [item.person_id for item in batch]
    columns["error_type"] = [item.error_type for item in batch]
    return pa.table(columns, schema=schema)


def labelled_records(table: Any) -> list[LabelledRecord]:
    """The rows of a labelled Arrow table (see `write_parquet`) as `LabelledRecord`s."""
    columns = {name: table.column(name).to_pylist() for name in (*FIELDS, *LABEL_COLUMNS)}
    return [
        LabelledRecord(
            SourceRecord(**{name: columns[name][i] for name in FIELDS}),
            columns["person_id"][i],
            columns["error_type"][i],
        )
        for i in range(table.num_rows)
    ]
