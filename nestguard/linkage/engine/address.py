"""Matching messy address strings to the address register (UPRN).

The same approach as the person model, specialised: blocking (postcode, then rare street
words), then a Fellegi-Sunter style sum of evidence weights per field (postcode, house
number, flat, street words weighted by how rare they are in the register). Confidence is
the probability from that weight, reduced when a second register entry scores nearly as
well (an ambiguous match is not a confident one).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from .model import probability_from_weight
from .normalise import address_tokens, normalise_postcode

_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)

# Evidence weights (log2 odds). Set by judgement for a UK borough register, not trained:
# see docs/decisions/0032-address-matching.md.
WEIGHTS = {
    "prior": -12.0,
    "postcode_exact": 9.0,
    "postcode_close": 5.0,
    "postcode_sector": 2.5,
    "postcode_different": -4.0,
    "house_exact": 6.0,
    "house_different": -7.0,
    "house_missing": -1.0,
    "flat_exact": 2.0,
    "flat_different": -4.0,
    "street_words_max": 8.0,
    "street_missing_word": -1.5,
}
MAX_CANDIDATES = 400
AUTO_MATCH_CONFIDENCE = 0.95  # below this, a match goes to review


@dataclass(frozen=True, slots=True)
class AddressQuery:
    text: str
    postcode: str = ""


@dataclass(frozen=True, slots=True)
class RegisterAddress:
    uprn: str
    line1: str
    line2: str = ""
    town: str = ""
    postcode: str = ""


@dataclass(frozen=True, slots=True)
class AddressMatch:
    uprn: str
    confidence: float
    evidence: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Parsed:
    postcode: str
    sector: str
    numbers: tuple[str, ...]  # house number first, then flat numbers
    words: frozenset[str]


def _parse(text: str, postcode: str = "") -> _Parsed:
    found = _POSTCODE_IN_TEXT.search(text)
    if found and not postcode:
        postcode = found.group(0)
    if found:
        text = text[: found.start()] + " " + text[found.end() :]
    pc, sector, _ = normalise_postcode(postcode)
    tokens = address_tokens(text)
    numbers = [t for t in tokens if any(c.isdigit() for c in t)]
    # "Flat 3, 12 High Street": the number after "flat" is the flat, the next is the house.
    flat: list[str] = []
    if "flat" in tokens:
        after = tokens.index("flat") + 1
        if after < len(tokens) and tokens[after] in numbers:
            flat = [tokens[after]]
            numbers.remove(tokens[after])
    words = frozenset(t for t in tokens if not any(c.isdigit() for c in t) and t != "flat")
    return _Parsed(pc, sector, tuple(numbers[:1] + flat), words)


class AddressIndex:
    def __init__(self) -> None:
        self._entries: list[tuple[str, _Parsed]] = []
        self._by_postcode: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        self._word_weight: dict[str, float] = {}

    @classmethod
    def build(cls, register_rows: Iterable[RegisterAddress | Mapping[str, str]]) -> AddressIndex:
        index = cls()
        counts: Counter[str] = Counter()
        for row in register_rows:
            entry = (
                row
                if isinstance(row, RegisterAddress)
                else RegisterAddress(
                    uprn=str(row["uprn"]),
                    line1=row.get("line1") or "",
                    line2=row.get("line2") or "",
                    town=row.get("town") or "",
                    postcode=row.get("postcode") or "",
                )
            )
            text = f"{entry.line1} {entry.line2} {entry.town}"
            parsed = _parse(text, entry.postcode)
            position = len(index._entries)
            index._entries.append((entry.uprn, parsed))
            if parsed.postcode:
                index._by_postcode.setdefault(parsed.postcode, []).append(position)
            for word in parsed.words:
                index._by_word.setdefault(word, []).append(position)
            counts.update(parsed.words)
        total = max(1, len(index._entries))
        index._word_weight = {w: math.log2(total / n) for w, n in counts.items()}
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def _candidates(self, query: _Parsed) -> set[int]:
        found: set[int] = set(self._by_postcode.get(query.postcode, ()))
        # Rare words first: "Cuthbert" narrows more than "Road".
        words = sorted(query.words, key=lambda w: len(self._by_word.get(w, ())))
        for word in words[:3]:
            matches = self._by_word.get(word, ())
            if matches and len(matches) <= MAX_CANDIDATES:
                found.update(matches)
        return found

    def _score(self, query: _Parsed, entry: _Parsed) -> tuple[float, dict[str, str]]:
        weight = WEIGHTS["prior"]
        evidence: dict[str, str] = {}
        if query.postcode and entry.postcode:
            if query.postcode == entry.postcode:
                weight += WEIGHTS["postcode_exact"]
                evidence["postcode"] = "exact"
            elif Levenshtein.distance(query.postcode, entry.postcode) <= 1:
                weight += WEIGHTS["postcode_close"]
                evidence["postcode"] = "one character different"
            elif query.sector and query.sector == entry.sector:
                weight += WEIGHTS["postcode_sector"]
                evidence["postcode"] = "same sector"
            else:
                weight += WEIGHTS["postcode_different"]
                evidence["postcode"] = "different"
        else:
            evidence["postcode"] = "missing"
        for name, q, e in (
            ("house", query.numbers[:1], entry.numbers[:1]),
            ("flat", query.numbers[1:2], entry.numbers[1:2]),
        ):
            if q and e:
                same = q == e
                weight += WEIGHTS[f"{name}_exact" if same else f"{name}_different"]
                evidence[name] = "exact" if same else "different"
            elif e and name == "house":
                weight += WEIGHTS["house_missing"]
                evidence[name] = "missing"
        entry_weight = sum(self._word_weight.get(w, 0.0) for w in entry.words) or 1.0
        shared = sum(self._word_weight.get(w, 0.0) for w in entry.words & query.words)
        weight += WEIGHTS["street_words_max"] * shared / entry_weight
        missing = len(entry.words - query.words)
        weight += WEIGHTS["street_missing_word"] * missing
        evidence["street"] = f"{len(entry.words & query.words)} of {len(entry.words)} words"
        return weight, evidence


def match_address(
    query: str | AddressQuery, index: AddressIndex, *, limit: int = 5
) -> list[AddressMatch]:
    """Register entries that may be the address in `query`, most confident first."""
    if isinstance(query, str):
        query = AddressQuery(query)
    parsed = _parse(query.text, query.postcode)
    scored = []
    for position in index._candidates(parsed):
        uprn, entry = index._entries[position]
        weight, evidence = index._score(parsed, entry)
        scored.append((weight, uprn, evidence))
    scored.sort(key=lambda item: (-item[0], item[1]))
    out = []
    for rank, (weight, uprn, evidence) in enumerate(scored[:limit]):
        confidence = probability_from_weight(weight)
        if rank == 0 and len(scored) > 1:
            # Ambiguity: the runner-up's share of the evidence takes confidence away.
            runner_up = probability_from_weight(scored[1][0])
            confidence = (
                confidence * (1 - runner_up) / (1 - confidence * runner_up)
                if confidence < 1
                else confidence
            )
            evidence = {**evidence, "runner_up_weight": f"{scored[1][0]:.1f}"}
        out.append(
            AddressMatch(uprn, round(confidence, 4), {**evidence, "match_weight": f"{weight:.1f}"})
        )
    return out
