"""Clustering invariants, property-based."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nestguard.linkage.engine.clustering import cluster, new_clusters


@st.composite
def worlds(draw):
    size = draw(st.integers(1, 30))
    ids = [f"r{i:02d}" for i in range(size)]
    links = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1), st.floats(0.95, 1.0)),
            max_size=40,
        )
    )
    links = [(a, b, p) for a, b, p in links if a != b]
    old = draw(st.sets(st.sampled_from(ids))) if ids else set()
    existing = {rid: draw(st.sampled_from(["P1", "P2", "P3", "r05"])) for rid in sorted(old)}
    return ids, links, existing


@given(worlds())
def test_every_record_clustered_and_existing_ids_kept(world):
    ids, links, existing = world
    result = cluster(ids, links, existing)
    assert set(result) == set(ids)
    for rid, cid in existing.items():
        assert result[rid] == cid
    for a, b, _ in links:
        if ids[a] not in existing and ids[b] not in existing:
            assert result[ids[a]] == result[ids[b]]


@given(worlds())
def test_new_clusters_never_take_an_existing_id_unless_joining(world):
    ids, links, existing = world
    result = cluster(ids, links, existing)
    linked_to_old = set()
    for a, b, _ in links:
        if (ids[a] in existing) != (ids[b] in existing):
            linked_to_old.update({ids[a], ids[b]})
    for rid in ids:
        if rid not in existing and result[rid] in set(existing.values()):
            # It joined an existing cluster: its component reaches an existing record.
            assert linked_to_old, (rid, result)


@given(worlds())
def test_clustering_is_deterministic_and_order_free(world):
    ids, links, existing = world
    assert cluster(ids, links, existing) == cluster(ids, list(reversed(links)), existing)


@given(worlds(), st.randoms(use_true_random=False))
def test_new_clusters_on_arrays_are_those_of_cluster(world, rng):
    # The batch's array path gives the same clusters as the loop, ids shuffled so that
    # the smallest id is not always the smallest position.
    ids, links, _ = world
    ids = rng.sample(ids, len(ids))
    left = np.array([a for a, _, _ in links], dtype=np.int64)
    right = np.array([b for _, b, _ in links], dtype=np.int64)
    assert new_clusters(ids, left, right) == cluster(ids, links)
