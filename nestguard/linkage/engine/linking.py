"""Training and batch linkage: the public entry points of the engine."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import backend
from .backend import ProgressFn, Records
from .clustering import cluster, cluster_heads, new_clusters
from .model import AutoLinkGuard, LinkageModel
from .normalise import clear_value_caches

PAIR_THRESHOLD = 0.01  # every pair at or above this probability is reported
# A batch above this many records empties the caches of values' features once its feature
# table is built: they would otherwise be held, full, while DuckDB scores (decision 0137).
CLEAR_CACHES_ABOVE = 100_000


@dataclass(frozen=True, slots=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    evidence: dict[str, str]  # comparison name -> level label


class LinkageResult:
    """Scored pairs (at or above 0.01) and clusters (at the upper threshold).

    Pairs are held as arrays and turned into `ScoredPair` objects only when asked for, so a
    million-record run does not hold millions of small objects. Records given as an Arrow
    table are clustered on arrays too: `cluster_heads` holds, for each record's position,
    the position of the record its cluster is named after, and `clusters` (record id ->
    cluster id) is built from it only when asked for (decision 0137).
    """

    def __init__(
        self,
        *,
        record_ids: Sequence[str],
        predicted: backend.PredictedPairs | None,
        clusters: dict[str, str] | None = None,
        cluster_heads: np.ndarray | None = None,
        model: LinkageModel,
        engine: str,
    ) -> None:
        if (clusters is None) == (cluster_heads is None):
            raise ValueError("give either the clusters or the cluster heads")
        if clusters is not None:
            self.clusters = clusters
        self.cluster_heads = cluster_heads
        self.model_version = model.version
        self.upper_threshold = model.upper_threshold
        self.lower_threshold = model.lower_threshold
        self.engine = engine
        self._record_ids = record_ids
        self._predicted = predicted
        self._model = model
        self._labels = [[level.label for level in c.levels] for c in model.comparisons]
        self._names = [c.name for c in model.comparisons]

    def __len__(self) -> int:
        return 0 if self._predicted is None else len(self._predicted.left)

    @property
    def blocked_pairs(self) -> int:
        """Pairs the blocking rules gave to be compared (counted on DuckDB; 0 otherwise)."""
        return 0 if self._predicted is None else self._predicted.blocked

    @cached_property
    def clusters(self) -> dict[str, str]:
        assert self.cluster_heads is not None
        ids = self._record_ids
        return {ids[p]: ids[int(h)] for p, h in enumerate(self.cluster_heads)}

    def pair_rows(self) -> Iterator[tuple[str, str, float, float]]:
        """(left_id, right_id, match_probability, match_weight), left_id < right_id, sorted."""
        predicted = self._predicted
        if predicted is None:
            return
        for i in self._order:
            a, b = self._ids(i)
            yield a, b, float(predicted.match_probability[i]), float(predicted.match_weight[i])

    def reported_rows(self) -> Iterator[tuple[str, str, float, str]]:
        """(left_id, right_id, probability after the guards, why held or ""), as
        `link_file` writes them: a pair a household guard holds is reported at no more than
        the guard's ceiling (decision 0116), and every held pair says why."""
        predicted = self._predicted
        if predicted is None:
            return
        ceilings = self._ceilings
        for i in self._order:
            a, b = self._ids(i)
            probability = min(float(predicted.match_probability[i]), float(ceilings[i]))
            yield a, b, probability, self._held_reason(i)

    @cached_property
    def _ceilings(self) -> np.ndarray:
        assert self._predicted is not None
        return guard_ceilings(self._predicted.gammas, self._model)

    def _held_reason(self, i: int) -> str:
        if not self._held[i]:
            return ""
        evidence = self._evidence(i)
        return "; ".join(g.reason for g in self._model.guards if g.holds(evidence))

    @cached_property
    def _held(self) -> np.ndarray:
        assert self._predicted is not None
        return held_by_guards(self._predicted.gammas, self._model)

    @cached_property
    def _order(self) -> list[int]:
        if self._predicted is None:
            return []
        return sorted(range(len(self._predicted.left)), key=self._ids)

    def _ids(self, i: int) -> tuple[str, str]:
        assert self._predicted is not None
        a = self._record_ids[int(self._predicted.left[i])]
        b = self._record_ids[int(self._predicted.right[i])]
        return (a, b) if a < b else (b, a)

    def _evidence(self, i: int) -> dict[str, str]:
        assert self._predicted is not None
        return _evidence(self._predicted.gammas[i], self._names, self._labels)

    @cached_property
    def pairs(self) -> list[ScoredPair]:
        assert self._predicted is not None or not self._order
        out = []
        for i in self._order:
            a, b = self._ids(i)
            out.append(
                ScoredPair(
                    a,
                    b,
                    float(self._predicted.match_probability[i]),  # type: ignore[union-attr]
                    float(self._predicted.match_weight[i]),  # type: ignore[union-attr]
                    self._evidence(i),
                )
            )
        return out

    @property
    def review_pairs(self) -> list[ScoredPair]:
        """Pairs at or above the lower threshold that the clustering did not join: those
        between the thresholds, and those above the upper held back by a guard."""
        return [
            p
            for p in self.pairs
            if self.lower_threshold <= p.match_probability
            and self.clusters.get(p.left_id) != self.clusters.get(p.right_id)
        ]


def _evidence(gammas: Any, names: list[str], labels: list[list[str]]) -> dict[str, str]:
    # Splink numbers levels from the top (n-1) down to 0 for "else", and -1 for null.
    return {
        names[c]: labels[c][0 if g < 0 else len(labels[c]) - 1 - int(g)]
        for c, g in enumerate(gammas)
    }


def _gamma_values(model: LinkageModel, comparison: str, labels: Collection[str]) -> list[int]:
    """The gamma values (see `_evidence`) of the levels with these labels."""
    for c in model.comparisons:
        if c.name == comparison:
            last = len(c.levels) - 1
            return [
                -1 if k == 0 else last - k for k, lv in enumerate(c.levels) if lv.label in labels
            ]
    return []


def held_by_guards(gammas: np.ndarray, model: LinkageModel) -> np.ndarray:
    """For each pair (a row of gammas), whether any of the model's guards holds: the same
    test as `AutoLinkGuard.holds` on the pair's evidence, done on whole arrays at once."""
    held = np.zeros(len(gammas), dtype=bool)
    for guard in model.guards:
        held |= _guard_holds(gammas, model, guard)
    return held


def _guard_holds(gammas: np.ndarray, model: LinkageModel, guard: AutoLinkGuard) -> np.ndarray:
    names = [c.name for c in model.comparisons]
    if guard.comparison not in names:
        return np.zeros(len(gammas), dtype=bool)
    column = gammas[:, names.index(guard.comparison)]
    holds = np.isin(column, _gamma_values(model, guard.comparison, guard.levels))
    for name, levels in guard.unless:
        if name in names:
            other = gammas[:, names.index(name)]
            holds &= ~np.isin(other, _gamma_values(model, name, levels))
    for conditions in guard.unless_all:
        every = np.ones(len(gammas), dtype=bool)
        for name, levels in conditions:
            if name not in names:
                every[:] = False
                break
            every &= np.isin(gammas[:, names.index(name)], _gamma_values(model, name, levels))
        holds &= ~every
    return holds


def guard_ceilings(gammas: np.ndarray, model: LinkageModel) -> np.ndarray:
    """For each pair, the highest probability it may be reported at after the guards with
    a ceiling (1.0 where none holds): twins and a parent and child of one name score high
    only because their fields are not independent (see AutoLinkGuard.ceiling)."""
    ceilings = np.ones(len(gammas), dtype=np.float64)
    for guard in model.guards:
        if guard.ceiling is not None:
            held = _guard_holds(gammas, model, guard)
            ceilings[held] = np.minimum(ceilings[held], guard.ceiling)
    return ceilings


class _TableIds(Sequence[str]):
    """The record ids of an Arrow table as a sequence of str, read one by one when asked
    for (ten million Python strings would take about 700 MB)."""

    def __init__(self, ids: pa.Array) -> None:
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self._ids[i].to_pylist()
        return self._ids[i].as_py()


def _check_unique_ids(records: Records) -> None:
    if isinstance(records, pa.Table):
        _check_unique_table_ids(records.column("record_id"))
        return
    seen: set[str] = set()
    for record in records:
        if not record.record_id:
            raise ValueError("every record needs a record_id")
        if record.record_id in seen:
            raise ValueError(f"record_id {record.record_id!r} appears twice")
        seen.add(record.record_id)


def _check_unique_table_ids(ids: pa.ChunkedArray) -> None:
    if ids.null_count or pc.any(pc.equal(ids, "")).as_py():
        raise ValueError("every record needs a record_id")
    if pc.count_distinct(ids).as_py() != len(ids):
        counts = pc.value_counts(ids)
        twice = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        raise ValueError(f"record_id {twice[0].as_py()!r} appears twice")


def train_model(
    records: Records,
    *,
    seed: int = 42,
    progress: ProgressFn | None = None,
    engine: str = "duckdb",
) -> LinkageModel:
    """Train the person model on `records` (unsupervised: λ from near-certain rules, u by
    Splink's random sampling on `engine`, m from anchor pairs; decisions 0030 and 0119).

    The same records (in the same order) and seed give the same model on one engine; the
    engines sample different pairs for u on large inputs (their hash functions differ).
    """
    if engine not in backend.ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(backend.ENGINES)}")
    _check_unique_ids(records)
    if len(records) < 2:
        raise ValueError("training needs at least two records")
    return backend.train(records, seed=seed, progress=progress, engine=engine)


def link_records(
    records: Records,
    model: LinkageModel,
    *,
    engine: str = "duckdb",
    progress: ProgressFn | None = None,
    existing_clusters: Mapping[str, str] | None = None,
    fresh: Collection[str] | None = None,
) -> LinkageResult:
    """Score all blocked pairs of `records` and cluster them at the model's upper threshold.

    With `existing_clusters`, records already clustered keep their cluster ids and new
    records join the existing cluster they link to most strongly, or start their own.
    With `fresh` (record ids), only pairs with at least one fresh record are scored: the
    rest were scored by an earlier run with the same model. Every record still counts in
    the names' term frequencies, so a fresh pair scores as it would in a full run.

    `records` may be an Arrow table with a string column per field of `FIELDS` (decision
    0137): the same pairs, scores and clusters, without a Python object per record; a
    first run's clusters are then held as `cluster_heads`.
    """
    if engine not in backend.ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(backend.ENGINES)}")
    report = progress or (lambda stage, fraction: None)
    _check_unique_ids(records)
    record_ids: Sequence[str] = (
        _TableIds(records.column("record_id").combine_chunks())
        if isinstance(records, pa.Table)
        else [r.record_id for r in records]
    )
    report("preparing records", 0.0)
    table = backend.feature_table(records, fresh)
    if len(records) > CLEAR_CACHES_ABOVE:
        clear_value_caches()
    report(f"scoring pairs ({engine})", 0.2)
    nothing_to_score = len(records) < 2 or (fresh is not None and not fresh)
    predicted = (
        None
        if nothing_to_score
        else backend.predict(table, model, engine=engine, threshold=PAIR_THRESHOLD)
    )
    report("clustering", 0.8)
    links: list[tuple[int, int, float]] = []
    keep = np.zeros(0, dtype=bool)
    if predicted is not None:
        # Pairs a guard holds back are left for a reviewer (see AutoLinkGuard).
        keep = (predicted.match_probability >= model.upper_threshold) & ~held_by_guards(
            predicted.gammas, model
        )
    heads = None
    if isinstance(records, pa.Table) and not existing_clusters:
        # A first run on a table: the clusters stay arrays until someone asks for the ids.
        left, right = (
            (predicted.left[keep], predicted.right[keep])
            if predicted is not None
            else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        )
        heads = cluster_heads(records.column("record_id"), left, right)
        clusters = None
    elif predicted is not None and not existing_clusters:
        # A first run: the same clusters as `cluster`, worked out on whole arrays.
        clusters = new_clusters(record_ids, predicted.left[keep], predicted.right[keep])
    else:
        if predicted is not None:
            links = list(
                zip(
                    predicted.left[keep].tolist(),
                    predicted.right[keep].tolist(),
                    predicted.match_probability[keep].tolist(),
                    strict=True,
                )
            )
        clusters = cluster(record_ids, links, existing_clusters)
    report("done", 1.0)
    return LinkageResult(
        record_ids=record_ids,
        predicted=predicted,
        clusters=clusters,
        cluster_heads=heads,
        model=model,
        engine=engine,
    )
