"""Training and batch linkage: the public entry points of the engine."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import backend
from .backend import ProgressFn
from .clustering import cluster, new_clusters
from .model import LinkageModel
from .records import SourceRecord

PAIR_THRESHOLD = 0.01  # every pair at or above this probability is reported


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
    million-record run does not hold millions of small objects.
    """

    def __init__(
        self,
        *,
        record_ids: Sequence[str],
        predicted: backend.PredictedPairs | None,
        clusters: dict[str, str],
        model: LinkageModel,
        engine: str,
    ) -> None:
        self.clusters = clusters
        self.model_version = model.version
        self.upper_threshold = model.upper_threshold
        self.lower_threshold = model.lower_threshold
        self.engine = engine
        self._record_ids = record_ids
        self._predicted = predicted
        self._labels = [[level.label for level in c.levels] for c in model.comparisons]
        self._names = [c.name for c in model.comparisons]

    def __len__(self) -> int:
        return 0 if self._predicted is None else len(self._predicted.left)

    def pair_rows(self) -> Iterator[tuple[str, str, float, float]]:
        """(left_id, right_id, match_probability, match_weight), left_id < right_id, sorted."""
        predicted = self._predicted
        if predicted is None:
            return
        for i in self._order:
            a, b = self._ids(i)
            yield a, b, float(predicted.match_probability[i]), float(predicted.match_weight[i])

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
    names = [c.name for c in model.comparisons]
    held = np.zeros(len(gammas), dtype=bool)
    for guard in model.guards:
        if guard.comparison not in names:
            continue
        column = gammas[:, names.index(guard.comparison)]
        holds = np.isin(column, _gamma_values(model, guard.comparison, guard.levels))
        for name, levels in guard.unless:
            if name in names:
                other = gammas[:, names.index(name)]
                holds &= ~np.isin(other, _gamma_values(model, name, levels))
        held |= holds
    return held


def _check_unique_ids(records: Sequence[SourceRecord]) -> None:
    seen: set[str] = set()
    for record in records:
        if not record.record_id:
            raise ValueError("every record needs a record_id")
        if record.record_id in seen:
            raise ValueError(f"record_id {record.record_id!r} appears twice")
        seen.add(record.record_id)


def train_model(
    records: Sequence[SourceRecord], *, seed: int = 42, progress: ProgressFn | None = None
) -> LinkageModel:
    """Train the person model on `records` (unsupervised: λ, u by sampling, m by EM).

    The same records (in the same order) and seed give the same model.
    """
    _check_unique_ids(records)
    if len(records) < 2:
        raise ValueError("training needs at least two records")
    return backend.train(records, seed=seed, progress=progress)


def link_records(
    records: Sequence[SourceRecord],
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
    """
    if engine not in backend.ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(backend.ENGINES)}")
    report = progress or (lambda stage, fraction: None)
    _check_unique_ids(records)
    record_ids = [r.record_id for r in records]
    report("preparing records", 0.0)
    table = backend.feature_table(records, fresh)
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
    if predicted is not None and not existing_clusters:
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
        record_ids=record_ids, predicted=predicted, clusters=clusters, model=model, engine=engine
    )
