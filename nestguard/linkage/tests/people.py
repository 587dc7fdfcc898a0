"""Synthetic people seen by several agencies, with the variations real records have."""

from __future__ import annotations

import random
from typing import Any

from nestguard.linkage.services.records import source_record_create

GIVEN = [
    "Jayden", "Chloe", "Kyle", "Amira", "Tyler", "Leah", "Connor", "Precious", "Reece", "Mia",
    "Callum", "Zara", "Liam", "Holly", "Dylan", "Aaliyah", "Jordan", "Sophie", "Ethan", "Grace",
    "Mason", "Ruby", "Kai", "Ellie", "Harvey", "Jade", "Owen", "Tia", "Lewis", "Megan",
]  # fmt: skip
FAMILY = [
    "Smith", "Okoro", "Barker", "Hussain", "Walsh", "Mensah", "Doyle", "Kaur", "Pickering",
    "Nowak", "Brennan", "Adeyemi", "Lomax", "Shah", "Fletcher", "Chowdhury", "Ashworth",
    "Mitchell", "Kowalczyk", "Thornley", "Begum", "Greenhalgh", "Osei", "Haworth", "Riley",
]  # fmt: skip
STREETS = ["Canal Street", "Mill Lane", "Bridge Road", "Chapel Street", "Park Avenue", "Moss Lane"]
NICKNAMES = {"Jayden": "Jay", "Callum": "Cal", "Megan": "Meg", "Lewis": "Lew", "Ethan": "Eth"}


def base_people(rng: random.Random, count: int) -> list[dict[str, str]]:
    people = []
    for i in range(count):
        year, month, day = rng.randint(1995, 2012), rng.randint(1, 12), rng.randint(1, 28)
        people.append(
            {
                "given_name": GIVEN[i % len(GIVEN)],
                "family_name": FAMILY[(i * 7) % len(FAMILY)],
                "date_of_birth": f"{year:04d}-{month:02d}-{day:02d}",
                "sex": rng.choice("MF"),
                "address_line1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                "town": "Northbrook",
                "postcode": f"NB{rng.randint(1, 4)} {rng.randint(1, 9)}"
                + rng.choice("ABDEFG")
                + rng.choice("HJLNPQ"),
                "phone": f"07700 9{rng.randint(0, 99999):05d}",
            }
        )
    return people


def vary(rng: random.Random, person: dict[str, str], kind: str) -> dict[str, str]:
    """One agency's version of a person: a nickname, a typo, a swapped day and month, a
    missing field or a move."""
    out = dict(person)
    if kind == "nickname":
        out["given_name"] = NICKNAMES.get(out["given_name"], out["given_name"][:-1])
    elif kind == "typo":
        name = out["family_name"]
        i = rng.randrange(1, len(name) - 1)
        out["family_name"] = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif kind == "swap_date":
        y, m, d = out["date_of_birth"].split("-")
        if int(d) <= 12:
            out["date_of_birth"] = f"{y}-{d}-{m}"
    elif kind == "missing":
        out["phone"] = ""
        out["sex"] = ""
    elif kind == "partial":
        out["date_of_birth"] = out["date_of_birth"][:7]
    return out


def seed_records(
    actors: list[Any], *, people: int = 20, singles: int = 30, seed: int = 7
) -> list[list[Any]]:
    """`people` people each known to two or three of the actors' agencies, plus `singles`
    people known to one. Returns the records of each multi-agency person."""
    rng = random.Random(seed)
    everyone = base_people(rng, people + singles)
    kinds = ["exact", "nickname", "typo", "swap_date", "missing", "partial"]
    groups = []
    for i, person in enumerate(everyone):
        knowers = (
            rng.sample(actors, k=min(len(actors), rng.choice((2, 3))))
            if i < people
            else [rng.choice(actors)]
        )
        made = []
        for j, actor in enumerate(knowers):
            values = person if j == 0 else vary(rng, person, rng.choice(kinds))
            record, _ = source_record_create(
                actor=actor,
                system=f"{actor.agency.name} system",
                values={"record_id": f"P{i}-{j}", **values},
            )
            made.append(record)
        if i < people:
            groups.append(made)
    return groups


_TRAINED: dict[str, Any] = {}


def link_everything(actor: Any = None) -> Any:
    """A finished linkage run over every record. The first call in a test session trains the
    model; later calls store that same model first (training is what takes seconds, and a
    model is data), so only tests about training need to train."""
    from nestguard.linkage.models import LinkageModelVersion
    from nestguard.linkage.services.runs import linkage_run_execute, linkage_run_start

    if "model" in _TRAINED and not LinkageModelVersion.objects.exists():
        LinkageModelVersion.objects.create(**_TRAINED["model"])
    run = linkage_run_execute(linkage_run_start(actor=actor, retrain="model" not in _TRAINED))
    assert run.status == "succeeded", run.error
    if "model" not in _TRAINED:
        stored = LinkageModelVersion.objects.get()
        _TRAINED["model"] = {
            f: getattr(stored, f)
            for f in ("version", "model_json", "upper_threshold", "lower_threshold", "trained_on")
        }
    return run
