"""Real-time candidate search: "is this person already known?" while a referral is typed.

An in-memory index from blocking keys to records, built once from all source records and
kept up to date with `add`. A lookup gathers the records that share any blocking key with
the query and scores them in Python with the trained model's weights: the same comparison
levels and weights as the batch, so a candidate's probability here equals its batch score.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .comparisons import BlockingRule
from .model import LinkageModel, probability_from_weight
from .normalise import FEATURE_COLUMNS, Features, features
from .records import SourceRecord

# A key shared by more records than this is too common to say anything (a surname sound
# in a postcode of a tower block): only its first records are taken.
MAX_PER_KEY = 2_000
MIN_PROBABILITY = 0.01


@dataclass(frozen=True, slots=True)
class Candidate:
    record_id: str
    match_probability: float
    match_weight: float
    evidence: dict[str, str]  # comparison name -> level label


def _key_values(rule: BlockingRule, row: Features, *, query_side: bool) -> list[tuple[str, ...]]:
    """The values a record (or, with `query_side`, a query) contributes for one rule."""
    if rule.swap:
        a, b = row[rule.columns[0]], row[rule.columns[1]]
        if a is None or b is None:
            return []
        # Stored as (a, b); a query looks for records whose values are its own reversed.
        return [(b, a)] if query_side else [(a, b)]
    options: list[list[str]] = []
    for column in rule.columns:
        if column == "gn_canon":
            # Every variant group, not only the first: "Jay" finds James, Jacob and Jayden.
            values = row["gn_groups"] or []
        else:
            values = [row[column]] if row[column] is not None else []
        if not values:
            return []
        options.append(values)
    keys: list[tuple[str, ...]] = [()]
    for values in options:
        keys = [(*key, v) for key in keys for v in values]
    return keys


def _hashes(
    rules: Sequence[BlockingRule],
    row: Features,
    *,
    query_side: bool,
    digest: Callable[[tuple[object, ...]], int] = hash,
) -> list[int]:
    """The blocking keys of a record (or query) as integers. Python's `hash` serves an index
    held in one process; an index shared by processes through a file needs a digest that is
    the same in all of them (`shared_index.stable_key`: `hash` of a string differs per
    process)."""
    out = []
    for index, rule in enumerate(rules):
        for values in _key_values(rule, row, query_side=query_side):
            out.append(digest((index, *values)))
    return out


class CandidateIndex:
    def __init__(self, model: LinkageModel) -> None:
        self.model = model
        self._ids: list[str] = []
        self._rows: list[tuple[object, ...]] = []
        self._positions: dict[str, int] = {}
        self._sorted_keys = np.zeros(0, dtype=np.int64)
        self._sorted_positions = np.zeros(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}  # keys of records added since the build
        # How often each value of a term-frequency column occurs among the indexed records:
        # the batch computes the same shares over the records it links.
        self._tf_counts: dict[str, Counter[str]] = {
            column: Counter() for column in model.term_frequency_columns
        }
        self._lock = threading.Lock()

    @classmethod
    def build(cls, records: Iterable[SourceRecord], model: LinkageModel) -> CandidateIndex:
        index = cls(model)
        rules = model.blocking_rules
        keys: list[int] = []
        positions: list[int] = []
        for record in records:
            if record.record_id in index._positions:
                raise ValueError(f"record_id {record.record_id!r} appears twice")
            row = features(record)
            position = len(index._ids)
            index._positions[record.record_id] = position
            index._ids.append(record.record_id)
            index._rows.append(tuple(row[c] for c in FEATURE_COLUMNS))
            index._count_terms(row, +1)
            hashes = _hashes(rules, row, query_side=False)
            keys.extend(hashes)
            positions.extend([position] * len(hashes))
        key_array = np.asarray(keys, dtype=np.int64)
        order = np.argsort(key_array, kind="stable")
        index._sorted_keys = key_array[order]
        index._sorted_positions = np.asarray(positions, dtype=np.int64)[order]
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def missing(self, record_ids: Iterable[str]) -> list[str]:
        """Those of `record_ids` not in the index (sorted), for the web process's catch-up."""
        return sorted({i for i in record_ids if i not in self._positions})

    def add(self, record: SourceRecord) -> None:
        """Make a new (or corrected) record findable at once."""
        row = features(record)
        with self._lock:
            if record.record_id in self._positions:
                # A corrected record: the old keys still point at the position, and the
                # stored features are replaced, so scoring uses the new values.
                position = self._positions[record.record_id]
                old = dict(zip(FEATURE_COLUMNS, self._rows[position], strict=True))
                self._count_terms(old, -1)
                self._rows[position] = tuple(row[c] for c in FEATURE_COLUMNS)
            else:
                position = len(self._ids)
                self._positions[record.record_id] = position
                self._ids.append(record.record_id)
                self._rows.append(tuple(row[c] for c in FEATURE_COLUMNS))
            self._count_terms(row, +1)
            for key in _hashes(self.model.blocking_rules, row, query_side=False):
                self._recent.setdefault(key, []).append(position)

    def _count_terms(self, row: Features, change: int) -> None:
        for column, counts in self._tf_counts.items():
            value = row[column]
            if value is not None:
                counts[value] += change

    def _frequency(self, column: str, left: str | None, right: str | None) -> float | None:
        """The larger share of records holding either value (Splink's `greatest(tf_l, tf_r)`),
        or None when neither is indexed (no adjustment, as in Splink for a missing term)."""
        counts = self._tf_counts[column]
        held = max(counts[left] if left else 0, counts[right] if right else 0)
        return self.model.term_share(column, held, counts.total()) if held else None

    def _candidate_positions(self, query: Features) -> set[int]:
        found: set[int] = set()
        keys = np.asarray(
            sorted(set(_hashes(self.model.blocking_rules, query, query_side=True))), dtype=np.int64
        )
        if len(keys):
            starts = np.searchsorted(self._sorted_keys, keys, side="left")
            ends = np.searchsorted(self._sorted_keys, keys, side="right")
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                if end > start:
                    found.update(
                        self._sorted_positions[start : min(end, start + MAX_PER_KEY)].tolist()
                    )
            for key in keys.tolist():
                found.update(self._recent.get(key, ())[:MAX_PER_KEY])
        return found

    def _candidate_rows(self, query: Features) -> Iterator[tuple[str, Features]]:
        """Each record sharing a blocking key with the query: its id and its features."""
        for position in self._candidate_positions(query):
            yield self._ids[position], dict(zip(FEATURE_COLUMNS, self._rows[position], strict=True))

    def score(self, left: Features, right: Features) -> tuple[float, dict[str, str]]:
        """Match weight and evidence (comparison -> level label) of one pair."""
        model = self.model
        weight = model.prior_weight
        evidence = {}
        for position, (comparison, weights) in enumerate(
            zip(model.comparisons, model.level_weights, strict=True)
        ):
            level = comparison.level_index(left, right)
            weight += weights[level]
            evidence[comparison.name] = comparison.levels[level].label
            column = comparison.levels[level].tf_column
            if column is not None:
                frequency = self._frequency(column, left[column], right[column])
                if frequency is not None:
                    weight += model.term_frequency_weight(position, level, frequency)
        return weight, evidence

    def lookup(self, query: SourceRecord, limit: int = 10) -> list[Candidate]:
        """The best `limit` records that may be the person in `query`, best first."""
        wanted = features(query)
        scored: list[tuple[float, str, dict[str, str]]] = []
        with self._lock:
            for record_id, row in self._candidate_rows(wanted):
                if record_id == query.record_id:
                    continue
                weight, evidence = self.score(wanted, row)
                scored.append((weight, record_id, evidence))
        scored.sort(key=lambda item: (-item[0], item[1]))
        out = []
        for weight, record_id, evidence in scored[:limit]:
            probability = probability_from_weight(weight)
            if probability < MIN_PROBABILITY:
                break
            out.append(Candidate(record_id, probability, weight, evidence))
        return out
