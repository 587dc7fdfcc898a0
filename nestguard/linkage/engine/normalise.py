"""From a source record to the comparison features both scorers use.

Everything the batch (Splink, SQL) and the real-time (Python) paths compare is computed
here, once, in Python, so the two paths see exactly the same values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import jellyfish

from .records import SourceRecord

# Feature columns, in a fixed order. Lists (gn_groups) are the only non-string feature.
FEATURE_COLUMNS: tuple[str, ...] = (
    "gn",
    "fn",
    "gn_meta",
    "fn_meta",
    "gn_groups",
    "gn_canon",
    "fn_first",
    "fn_last",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "dob_key",
    "sex",
    "pc",
    "pc_sector",
    "pc_district",
    "addr",
    "house",
    "street",
    "town",
    "phone",
    "mobile",
    "ident",
)

Features = dict[str, Any]

_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "master", "prof", "rev", "sir"})
_NON_LETTERS = re.compile(r"[^a-z ]+")
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _load_json(name: str) -> dict[str, Any]:
    text = resources.files("nestguard.linkage.engine").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    if not data.get("source"):
        raise ValueError(f"{name} carries no source")
    return data


@cache
def name_variant_groups() -> dict[str, tuple[str, ...]]:
    """Each known given name to the sorted keys of the variant groups it belongs to."""
    data = _load_json("given_name_variants.json")
    groups: dict[str, set[str]] = {}
    for group in data["groups"]:
        key = group["key"]
        if not key or key != _plain(key):
            raise ValueError(f"given_name_variants.json: bad group key {key!r}")
        for name in (key, *group["names"]):
            groups.setdefault(_plain(name), set()).add(key)
    return {name: tuple(sorted(keys)) for name, keys in groups.items()}


@cache
def address_expansions() -> dict[str, str]:
    data = _load_json("address_abbreviations.json")
    expansions: dict[str, str] = data["expansions"]
    return expansions


def _plain(value: str) -> str:
    """Lower case, accents folded, letters and single spaces only."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", folded.lower().replace("'", ""))).strip()


@lru_cache(maxsize=200_000)
def name_tokens(value: str) -> tuple[str, ...]:
    return tuple(t for t in _plain(value).split(" ") if t and t not in _TITLES)


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    return jellyfish.metaphone(token).replace(" ", "") if token else ""


def given_name_groups(name: str) -> tuple[str, ...]:
    """The variant groups of a normalised given name; an unknown name is its own group."""
    return name_variant_groups().get(name, (name,)) if name else ()


@lru_cache(maxsize=200_000)
def normalise_postcode(value: str) -> tuple[str, str, str]:
    """(postcode, sector, district) of a UK postcode, e.g. ("SW1A 1AA", "SW1A 1", "SW1A").

    A value that is not shaped like a postcode is kept (upper case, no spaces) with no
    sector or district, so that it can still agree exactly.
    """
    compact = re.sub(r"[^A-Z0-9]", "", value.upper())
    match = _POSTCODE.match(compact)
    if match is None:
        return compact, "", ""
    outward, inward = match.groups()
    return f"{outward} {inward}", f"{outward} {inward[0]}", outward


@lru_cache(maxsize=200_000)
def normalise_phone(value: str) -> str:
    """UK numbers in national form (07700 900123 -> 07700900123; +44 / 0044 -> 0)."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif len(digits) == 10 and not digits.startswith("0"):
        digits = "0" + digits
    return digits


def normalise_identifier(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


@lru_cache(maxsize=200_000)
def address_tokens(value: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    tokens = _SPACES.sub(" ", _NON_ALNUM.sub(" ", folded.lower().replace("'", ""))).split()
    expansions = address_expansions()
    out = []
    for i, word in enumerate(tokens):
        # "St" is Saint before a name ("St Mary's Road") and Street at the end.
        if word == "st" and i < len(tokens) - 1:
            out.append("saint")
        else:
            out.append(expansions.get(word, word))
    return tuple(out)


@lru_cache(maxsize=200_000)
def split_address(line1: str, line2: str) -> tuple[str, str, str]:
    """(normalised address, house number or name, street words) from the two lines."""
    tokens = address_tokens(f"{line1} {line2}")
    house = next((t for t in tokens if any(c.isdigit() for c in t)), "")
    street = " ".join(t for t in tokens if not any(c.isdigit() for c in t) and t != "flat")
    return " ".join(tokens), house, street


def _dob_parts(value: str) -> tuple[str, str, str, str]:
    parts = value.split("-") if value else []
    year = parts[0] if parts else ""
    month = parts[1] if len(parts) > 1 else ""
    day = parts[2] if len(parts) > 2 else ""
    # A key shared by a date and its day/month swap: year, then the two numbers sorted.
    key = f"{year}-{min(month, day)}-{max(month, day)}" if day else ""
    return year, month, day, key


def features(record: SourceRecord) -> Features:
    """The comparison features of one record; missing values are None."""
    given = name_tokens(record.given_name)
    family = name_tokens(record.family_name)
    gn = given[0] if given else ""
    fn = " ".join(family)
    groups = given_name_groups(gn)
    year, month, day, dob_key = _dob_parts(record.date_of_birth)
    pc, sector, district = normalise_postcode(record.postcode)
    addr, house, street = split_address(record.address_line1, record.address_line2)
    sex = record.sex.strip().lower()[:1]
    values: Features = {
        "gn": gn,
        "fn": fn,
        "gn_meta": phonetic(gn),
        "fn_meta": phonetic(family[0]) if family else "",
        "gn_groups": list(groups) if groups else None,
        "gn_canon": groups[0] if groups else "",
        "fn_first": family[0] if family else "",
        "fn_last": family[-1] if family else "",
        "dob": record.date_of_birth,
        "dob_y": year,
        "dob_m": month,
        "dob_d": day,
        "dob_key": dob_key,
        "sex": sex if sex in ("m", "f") else "",
        "pc": pc,
        "pc_sector": sector,
        "pc_district": district,
        "addr": addr,
        "house": house,
        "street": street,
        "town": " ".join(address_tokens(record.town)),
        "phone": normalise_phone(record.phone),
        # Mobiles are personal; a shared landline says "same household", not "same person".
        "mobile": phone if (phone := normalise_phone(record.phone)).startswith("07") else "",
        "ident": normalise_identifier(record.identifier),
    }
    return {k: (v if v != "" else None) for k, v in values.items()}
