"""Precision and recall of a clustering against ground truth, overall and by error type."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np


@dataclass
class Scores:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    recall_by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # found, total

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        total = self.true_positives + self.false_negatives
        return self.true_positives / total if total else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def lines(self) -> list[str]:
        out = [
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}  "
            f"(TP {self.true_positives}, FP {self.false_positives}, FN {self.false_negatives})"
        ]
        for kind, (found, total) in sorted(self.recall_by_type.items()):
            out.append(f"  recall {found / total:.4f}  {found:>7}/{total:<7} {kind}")
        return out


def pair_type(a: str, b: str) -> str:
    if a == "first":
        return b
    if b == "first":
        return a
    return "two copies"


def score_clusters(
    truth: Mapping[str, object],
    clusters: Mapping[str, str],
    error_types: Mapping[str, str] | None = None,
) -> Scores:
    """Pairwise scores: a pair is predicted when both records share a cluster.

    `truth` maps record id -> true entity; `error_types` record id -> error of that copy.
    """
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for record_id, cluster_id in clusters.items():
        by_cluster[cluster_id].append(record_id)
    by_entity: dict[object, list[str]] = defaultdict(list)
    for record_id, entity in truth.items():
        by_entity[entity].append(record_id)
    scores = Scores()
    for members in by_cluster.values():
        for a, b in combinations(members, 2):
            if truth[a] == truth[b]:
                scores.true_positives += 1
            else:
                scores.false_positives += 1
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for members in by_entity.values():
        for a, b in combinations(members, 2):
            kind = pair_type(error_types[a], error_types[b]) if error_types else "all"
            total[kind] += 1
            if clusters.get(a) is not None and clusters.get(a) == clusters.get(b):
                found[kind] += 1
            else:
                scores.false_negatives += 1
    scores.recall_by_type = {k: (found[k], total[k]) for k in total}
    return scores


def score_pairs(
    truth: Mapping[str, object],
    predicted: Sequence[tuple[str, str]],
    error_types: Mapping[str, str] | None = None,
) -> Scores:
    """Pairwise scores of an explicit list of predicted pairs (such as `pairs.csv` at a
    threshold, which is not transitive as clusters are); with `error_types`, recall by the
    error of the copy, as `score_clusters` gives it."""
    by_entity: dict[object, int] = Counter(truth.values())
    total = sum(n * (n - 1) // 2 for n in by_entity.values())
    scores = Scores()
    found: Counter[str] = Counter()
    for a, b in set(predicted):
        if truth[a] == truth[b]:
            scores.true_positives += 1
            if error_types:
                found[pair_type(error_types[a], error_types[b])] += 1
        else:
            scores.false_positives += 1
    scores.false_negatives = total - scores.true_positives
    if error_types:
        members: dict[object, list[str]] = defaultdict(list)
        for record_id, entity in truth.items():
            members[entity].append(record_id)
        kinds: Counter[str] = Counter(
            pair_type(error_types[a], error_types[b])
            for ids in members.values()
            for a, b in combinations(ids, 2)
        )
        scores.recall_by_type = {k: (found[k], kinds[k]) for k in kinds}
    return scores


def score_labels(truth: np.ndarray, clusters: np.ndarray) -> Scores:
    """`score_clusters` on arrays: `truth[i]` is record i's true entity and `clusters[i]`
    its cluster (any integer label), so that ten million records are scored without a
    dictionary entry per record (decision 0137). No recall by error type."""
    truth = np.asarray(truth, dtype=np.int64)
    clusters = np.asarray(clusters, dtype=np.int64)

    def pairs(key: np.ndarray) -> int:
        # Pairs of records sharing the key: n(n-1)/2 summed over its values.
        _, counts = np.unique(key, return_counts=True)
        return int((counts * (counts - 1) // 2).sum())

    # Both labels in one integer (labels are below a record count, so it cannot overflow).
    _, truth = np.unique(truth, return_inverse=True)
    _, clusters = np.unique(clusters, return_inverse=True)
    combined = clusters.astype(np.int64) * (int(truth.max(initial=0)) + 1) + truth
    predicted, actual, both = pairs(clusters), pairs(truth), pairs(combined)
    return Scores(
        true_positives=both,
        false_positives=predicted - both,
        false_negatives=actual - both,
    )
