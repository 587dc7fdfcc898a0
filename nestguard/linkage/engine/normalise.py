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

from .records import SourceRecord, read_date_of_birth

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
    "dob_sorted",
    "dob_real",
    "sex",
    "pc",
    "pc_sector",
    "pc_district",
    "pc_sorted",
    "addr",
    "house",
    "street",
    "town",
    "phone",
    "mobile",
    "ident",
    "ident_sorted",
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


def _dob_parts(value: str) -> tuple[str, str, str, str, str]:
    """(date, year, month, day, key) as normalised text. A date that is not real
    ("1950-43-06", "31/02/1980") keeps its digits, so every level compares it as text: it
    still agrees closely with "1950-04-06" (two digits different), and with its own copy."""
    year, month, day = read_date_of_birth(value).parts
    text = "-".join(p for p in (year, month, day) if p)
    # A key shared by a date and its day/month swap: year, then the two numbers sorted.
    key = f"{year}-{min(month, day)}-{max(month, day)}" if day else ""
    return text, year, month, day, key


def sorted_characters(value: str) -> str:
    """The characters of a value in order, so that two values that differ only by
    transposed characters (19621121 and 19621211; a slip typing an identifier or a postcode)
    share it: a blocking key and a comparison level that plain equality cannot give, with
    the same meaning in Python, DuckDB and Spark SQL."""
    return "".join(sorted(value.replace("-", "").replace(" ", "")))


def _none(*values: Any) -> tuple[Any, ...]:
    return tuple(v if v != "" and v != () else None for v in values)


# Each field's features, cached by the raw value: names, dates, postcodes and streets
# repeat across a million records, so each distinct value is worked out once.
@lru_cache(maxsize=500_000)
def _given_features(raw: str) -> tuple[Any, ...]:
    given = name_tokens(raw)
    gn = given[0] if given else ""
    groups = given_name_groups(gn)
    return _none(gn, phonetic(gn), groups, groups[0] if groups else "")


@lru_cache(maxsize=500_000)
def _family_features(raw: str) -> tuple[Any, ...]:
    family = name_tokens(raw)
    return _none(
        " ".join(family),
        phonetic(family[0]) if family else "",
        family[0] if family else "",
        family[-1] if family else "",
    )


@lru_cache(maxsize=100_000)
def _dob_features(raw: str) -> tuple[Any, ...]:
    parts = _dob_parts(raw)
    real = "1" if read_date_of_birth(raw).iso else ""
    return _none(*parts, sorted_characters(parts[0]) if parts[3] else "", real)


@lru_cache(maxsize=500_000)
def _address_features(line1: str, line2: str, town: str) -> tuple[Any, ...]:
    return _none(*split_address(line1, line2), " ".join(address_tokens(town)))


@lru_cache(maxsize=500_000)
def _phone_features(raw: str) -> tuple[Any, ...]:
    phone = normalise_phone(raw)
    # Mobiles are personal; a shared landline says "same household", not "same person".
    return _none(phone, phone if phone.startswith("07") else "")


def _sex_feature(raw: str) -> str | None:
    sex = raw.strip().lower()[:1]
    return sex if sex in ("m", "f") else None


def _sex_features(raw: str) -> tuple[Any, ...]:
    return (_sex_feature(raw),)


def _postcode_features(raw: str) -> tuple[Any, ...]:
    pc, pc_sector, pc_district = _none(*normalise_postcode(raw))
    return pc, pc_sector, pc_district, sorted_characters(pc) if pc else None


def _identifier_features(raw: str) -> tuple[Any, ...]:
    ident = normalise_identifier(raw) or None
    return ident, sorted_characters(ident) if ident else None


# Which source fields each group of features comes from, and the function that works
# them out: feature_values uses them record by record; backend.feature_table once per
# distinct value of a whole column (a million records hold far fewer distinct names,
# dates and addresses). Together the groups give every column of FEATURE_COLUMNS.
FEATURE_GROUPS: tuple[tuple[tuple[str, ...], Any, tuple[str, ...]], ...] = (
    (("given_name",), _given_features, ("gn", "gn_meta", "gn_groups", "gn_canon")),
    (("family_name",), _family_features, ("fn", "fn_meta", "fn_first", "fn_last")),
    (
        ("date_of_birth",),
        _dob_features,
        ("dob", "dob_y", "dob_m", "dob_d", "dob_key", "dob_sorted", "dob_real"),
    ),
    (("sex",), _sex_features, ("sex",)),
    (("postcode",), _postcode_features, ("pc", "pc_sector", "pc_district", "pc_sorted")),
    (
        ("address_line1", "address_line2", "town"),
        _address_features,
        ("addr", "house", "street", "town"),
    ),
    (("phone",), _phone_features, ("phone", "mobile")),
    (("identifier",), _identifier_features, ("ident", "ident_sorted")),
)


def feature_values(record: SourceRecord) -> tuple[Any, ...]:
    """The comparison features of one record in FEATURE_COLUMNS order (None: missing;
    gn_groups a tuple)."""
    gn, gn_meta, gn_groups, gn_canon = _given_features(record.given_name)
    fn, fn_meta, fn_first, fn_last = _family_features(record.family_name)
    dob, dob_y, dob_m, dob_d, dob_key, dob_sorted, dob_real = _dob_features(record.date_of_birth)
    pc, pc_sector, pc_district, pc_sorted = _postcode_features(record.postcode)
    addr, house, street, town = _address_features(
        record.address_line1, record.address_line2, record.town
    )
    phone, mobile = _phone_features(record.phone)
    ident, ident_sorted = _identifier_features(record.identifier)
    (sex,) = _sex_features(record.sex)
    return (
        gn, fn, gn_meta, fn_meta, gn_groups, gn_canon, fn_first, fn_last,
        dob, dob_y, dob_m, dob_d, dob_key, dob_sorted, dob_real, sex,
        pc, pc_sector, pc_district, pc_sorted, addr, house, street, town,
        phone, mobile, ident, ident_sorted,
    )  # fmt: skip


def features(record: SourceRecord) -> Features:
    """The comparison features of one record; missing values are None."""
    row = dict(zip(FEATURE_COLUMNS, feature_values(record), strict=True))
    if row["gn_groups"] is not None:
        row["gn_groups"] = list(row["gn_groups"])
    return row


# The caches of one value's features (not the reference lists, which are small and fixed).
_VALUE_CACHES = (
    name_tokens,
    phonetic,
    normalise_postcode,
    normalise_phone,
    address_tokens,
    split_address,
    _given_features,
    _family_features,
    _dob_features,
    _address_features,
    _phone_features,
)


def clear_value_caches() -> None:
    """Empty the caches of values' features. A batch works each distinct value out once
    (backend.feature_table), so after a big one the caches hold hundreds of thousands of
    values no later call will ask for: about 600 MB at a million records, held while
    DuckDB scores, the batch's peak (decision 0137)."""
    for function in _VALUE_CACHES:
        function.cache_clear()
