"""Clusters from scored pairs: connected components above the upper threshold.

Cluster ids are stable and engine-independent: a new cluster is named after the smallest
record id in it, and records already clustered (`existing`) keep their cluster ids. New
records join the existing cluster they link to most strongly; two existing clusters are
never merged here (that is a reviewer's decision, see the review queue).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def cluster(
    record_ids: Sequence[str],
    links: Iterable[tuple[int, int, float]],
    existing: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Cluster ids for `record_ids` from (left, right, probability) links above threshold.

    `left`/`right` are positions in `record_ids`.
    """
    existing = existing or {}
    size = len(record_ids)
    is_old = [rid in existing for rid in record_ids]
    uf = _UnionFind(size)
    # Strongest link from each new component to an existing cluster.
    to_existing: list[tuple[int, str, float]] = []
    for left, right, probability in links:
        old_l, old_r = is_old[left], is_old[right]
        if not old_l and not old_r:
            uf.union(left, right)
        elif old_l != old_r:
            new, old = (right, left) if old_l else (left, right)
            to_existing.append((new, existing[record_ids[old]], probability))

    best: dict[int, tuple[float, str]] = {}
    for new, cluster_id, probability in to_existing:
        root = uf.find(new)
        current = best.get(root)
        # Highest probability wins; ties go to the smaller cluster id, for determinism.
        if current is None or (probability, _neg(cluster_id)) > (current[0], _neg(current[1])):
            best[root] = (probability, cluster_id)

    members: dict[int, list[int]] = {}
    for position in range(size):
        if not is_old[position]:
            members.setdefault(uf.find(position), []).append(position)

    result = {rid: existing[rid] for rid in record_ids if rid in existing}
    taken = set(existing.values())
    for root, positions in members.items():
        if root in best:
            cluster_id = best[root][1]
        else:
            cluster_id = _fresh_id(min(record_ids[p] for p in positions), taken)
            taken.add(cluster_id)
        for position in positions:
            result[record_ids[position]] = cluster_id
    return result


def _lowest_reachable(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """For each node 0..size-1, the smallest node it reaches through the links."""
    labels = np.arange(size, dtype=np.int64)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    # Each node's label falls to the smallest node it reaches through the links; pointer
    # jumping (labels of labels) lets a chain settle in a few rounds.
    while True:
        lowest = np.minimum(labels[left], labels[right])
        before = labels.copy()
        np.minimum.at(labels, left, lowest)
        np.minimum.at(labels, right, lowest)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            break
    return labels


def new_clusters(record_ids: Sequence[str], left: np.ndarray, right: np.ndarray) -> dict[str, str]:
    """`cluster(record_ids, links)` with no existing clusters, on whole arrays: the same
    clusters, each named after the smallest record id in it.

    A batch of a million records has about as many links; the loop of `cluster` over them
    and over every record took seconds, this takes a fraction of one.
    """
    size = len(record_ids)
    labels = _lowest_reachable(size, left, right)
    # The name of each component: its smallest record id (ids are unique, so no clashes).
    ids = np.array(record_ids, dtype=object)
    order = np.lexsort((np.array(record_ids), labels))
    first = np.ones(size, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    group = np.cumsum(first) - 1
    names = ids[order][first][group]
    return dict(zip(ids[order].tolist(), names.tolist(), strict=True))


def cluster_heads(
    record_ids: pa.Array | pa.ChunkedArray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """`new_clusters` without a Python string per record: for each position, the position
    of the record whose id names its cluster (the smallest id in it). At ten million
    records the dictionary of `new_clusters` and its strings would take some gigabytes.

    The links are relabelled by each record's rank among the ids (sorted by Arrow), so
    that the smallest node a record reaches is its cluster's smallest id.
    """
    size = len(record_ids)
    order = pc.sort_indices(record_ids).to_numpy().astype(np.int64)  # rank -> position
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(size, dtype=np.int64)
    lowest = _lowest_reachable(
        size, rank[np.asarray(left, np.int64)], rank[np.asarray(right, np.int64)]
    )
    heads: np.ndarray = order[lowest[rank]]
    return heads


def _neg(text: str) -> tuple[int, ...]:
    # Orders strings in reverse, so that max() over (probability, _neg(id)) picks the
    # smallest id among equal probabilities.
    return (*tuple(-ord(c) for c in text), 0)


def _fresh_id(candidate: str, taken: set[str]) -> str:
    if candidate not in taken:
        return candidate
    suffix = 2
    while f"{candidate}~{suffix}" in taken:
        suffix += 1
    return f"{candidate}~{suffix}"
