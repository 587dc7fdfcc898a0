"""The engine on an Arrow table of records (decision 0137): what ten million records need
(no Python object per record) must give what the records give, pair for pair."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nestguard.linkage.engine import FIELDS, link_records, train_model
from nestguard.linkage.engine.backend import SCORING_PASSES_ENV, feature_table, scoring_passes
from nestguard.linkage.engine.clustering import cluster_heads, new_clusters
from nestguard.linkage.engine.evaluate import score_clusters, score_labels
from nestguard.linkage.engine.synthetic import generate, labelled_records, write_parquet


@pytest.fixture(scope="module")
def labelled():
    return generate(2500, seed=11)


@pytest.fixture(scope="module")
def table(labelled):
    return pa.table({name: [getattr(d.record, name) for d in labelled] for name in FIELDS})


@pytest.fixture(scope="module")
def table_result(table, model):
    return link_records(table, model)


def test_a_table_gives_the_records_features_column_for_column(records, table):
    # Address features come from three columns at once (line 1, line 2, town): the
    # combined codes of the table path must pick the same distinct values.
    assert feature_table(table).to_pylist() == feature_table(records).to_pylist()


def test_a_table_trains_the_same_model(table, model):
    assert train_model(table, seed=42).to_json() == model.to_json()


def test_a_table_links_the_same_pairs_and_clusters(table_result, result):
    assert len(table_result) == len(result) > 0
    assert list(table_result.pair_rows()) == list(result.pair_rows())
    assert table_result.clusters == result.clusters
    assert table_result.blocked_pairs == result.blocked_pairs >= len(result)


def test_a_tables_clusters_are_arrays_until_asked_for(table, table_result):
    heads = table_result.cluster_heads
    assert heads is not None and heads.shape == (table.num_rows,)
    ids = table.column("record_id").to_pylist()
    # Each record's head is the smallest id of its cluster, and a head heads itself.
    assert all(ids[h] <= ids[p] for p, h in enumerate(heads.tolist()))
    assert (heads[heads] == heads).all()


def test_a_table_marks_fresh_records_as_the_records_do(records, table, model):
    fresh = {r.record_id for r in records[1::3]}
    assert feature_table(table, fresh).column("fresh").to_pylist() == (
        feature_table(records, fresh).column("fresh").to_pylist()
    )
    again = link_records(table, model, fresh=fresh)
    assert list(again.pair_rows()) == list(link_records(records, model, fresh=fresh).pair_rows())


def test_a_table_keeps_existing_clusters(records, table, model, result):
    existing = {rid: f"P-{cid}" for rid, cid in list(result.clusters.items())[::2]}
    from_table = link_records(table, model, existing_clusters=existing)
    assert from_table.cluster_heads is None
    assert from_table.clusters == link_records(records, model, existing_clusters=existing).clusters


@pytest.mark.parametrize(
    ("ids", "message"), [(["a", "b", "a"], "twice"), (["a", ""], "needs"), (["a", None], "needs")]
)
def test_a_tables_record_ids_are_checked(model, ids, message):
    table = pa.table(
        {name: [ids[i] if name == "record_id" else "" for i in range(len(ids))] for name in FIELDS}
    )
    with pytest.raises(ValueError, match=message):
        link_records(table, model)


def test_the_generator_streams_the_records_it_generates(tmp_path):
    path = tmp_path / "records.parquet"
    people = write_parquet(str(path), 3000, seed=5, chunk=700)
    streamed = labelled_records(pq.read_table(path))
    made = generate(3000, seed=5)
    assert streamed == made
    assert people == len({d.person_id for d in made})
    assert pq.ParquetFile(path).metadata.num_row_groups == 5  # 700 at a time, never all


@st.composite
def links(draw):
    size = draw(st.integers(1, 40))
    ids = draw(st.permutations([f"r{i:02d}" for i in range(size)]))
    pairs = draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1))))
    return ids, pairs


@given(links())
def test_cluster_heads_name_the_clusters_of_new_clusters(world):
    ids, pairs = world
    left = np.array([a for a, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b in pairs], dtype=np.int64)
    heads = cluster_heads(pa.array(ids), left, right)
    assert {ids[p]: ids[h] for p, h in enumerate(heads.tolist())} == new_clusters(ids, left, right)


@given(
    st.lists(st.tuples(st.integers(-3, 8), st.integers(0, 6)), min_size=1, max_size=60),
)
def test_scores_on_arrays_are_those_on_dictionaries(labels):
    truth = [t for t, _ in labels]
    clusters = [c for _, c in labels]
    on_arrays = score_labels(np.array(truth), np.array(clusters))
    by_id = score_clusters(
        {str(i): t for i, t in enumerate(truth)}, {str(i): str(c) for i, c in enumerate(clusters)}
    )
    assert (on_arrays.true_positives, on_arrays.false_positives, on_arrays.false_negatives) == (
        by_id.true_positives,
        by_id.false_positives,
        by_id.false_negatives,
    )


def test_scoring_in_passes_gives_the_same_pairs(table, model, table_result, monkeypatch):
    # Ten million records score in passes (Splink's chunks of the left record's id hash);
    # every pair must be scored once, in one pass or three.
    monkeypatch.setenv(SCORING_PASSES_ENV, "3")
    assert scoring_passes(table.num_rows) == 3
    in_passes = link_records(table, model)
    assert sorted(in_passes.pair_rows()) == sorted(table_result.pair_rows())
    assert in_passes.blocked_pairs == table_result.blocked_pairs
    assert in_passes.clusters == table_result.clusters


def test_a_million_records_score_in_one_pass_and_ten_million_in_several():
    assert scoring_passes(1_000_000) == 1
    assert scoring_passes(10_000_000) == 4
