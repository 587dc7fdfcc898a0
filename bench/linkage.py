"""Record linkage at scale: batch linkage beside plain Splink, and real-time lookups.

    .venv/bin/python bench/linkage.py [--records 1000000] [--lookup-sizes 200000,1000000]
        [--queries 200] [--seed 2026] [--skip-splink] [--duckdb-memory 8GB]

Prints, for synthetic agency records with known errors (nestguard.linkage.engine.synthetic):
1. batch linkage end to end (train + score + cluster) by Nestguard's engine (DuckDB):
   seconds, records per second, peak memory, and precision/recall of the clusters;
2. the same for a plain Splink model with the library's default comparisons;
3. real-time lookups (CandidateIndex) against the first N records for each lookup size:
   build time, p50/p95/max per lookup, and how often the true person is the top candidate.
Each part runs in its own process so its peak memory is its own. Figures, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from linkage_common import peak_rss_mb, plain_splink

from nestguard.linkage.engine import CandidateIndex, link_records, train_model
from nestguard.linkage.engine.backend import DUCKDB_MEMORY_ENV
from nestguard.linkage.engine.evaluate import score_clusters
from nestguard.linkage.engine.synthetic import ERROR_TYPES, Generator, LabelledRecord, generate


def _load(path: str, size: int) -> list[LabelledRecord]:
    with open(path, "rb") as handle:
        data: list[LabelledRecord] = pickle.load(handle)  # noqa: S301 (our own temp file)
    return data[:size]


def part_nestguard(data: list[LabelledRecord]) -> dict[str, object]:
    records = [d.record for d in data]
    started = time.perf_counter()
    model = train_model(records, seed=42)
    trained = time.perf_counter() - started
    result = link_records(records, model)
    total = time.perf_counter() - started
    scores = score_clusters({d.record.record_id: d.person_id for d in data}, result.clusters)
    return {
        "seconds": total,
        "train_seconds": trained,
        "pairs": len(result),
        "precision": scores.precision,
        "recall": scores.recall,
        "peak_mb": peak_rss_mb(),
    }


def part_splink(data: list[LabelledRecord]) -> dict[str, object]:
    records = [d.record for d in data]
    clusters, timings = plain_splink(records)
    scores = score_clusters({d.record.record_id: d.person_id for d in data}, clusters)
    return {
        "seconds": timings["total"],
        "train_seconds": timings["train"],
        "precision": scores.precision,
        "recall": scores.recall,
        "peak_mb": peak_rss_mb(),
    }


def part_lookup(data: list[LabelledRecord], queries: int, seed: int) -> dict[str, object]:
    records = [d.record for d in data]
    person = {d.record.record_id: d.person_id for d in data}
    model = train_model(records[:50_000], seed=42)
    started = time.perf_counter()
    index = CandidateIndex.build(records, model)
    built = time.perf_counter() - started
    rng = random.Random(seed)
    firsts = [d for d in data if d.error_type == "first"]
    maker = Generator(seed + 1)
    latencies = []
    top1 = 0
    for _ in range(queries):
        first = rng.choice(firsts)
        query = maker.copy_with_error(first.record, rng.choice(ERROR_TYPES))
        query = type(query)(**{**query.as_dict(), "record_id": ""})
        t = time.perf_counter()
        candidates = index.lookup(query, limit=10)
        latencies.append((time.perf_counter() - t) * 1000)
        if candidates and person[candidates[0].record_id] == first.person_id:
            top1 += 1
    latencies.sort()
    return {
        "build_seconds": built,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": latencies[-1],
        "true_person_first": top1 / queries,
        "peak_mb": peak_rss_mb(),
    }


def _run_part(part: str, data_path: str, size: int, args: argparse.Namespace) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--part",
        part,
        "--data",
        data_path,
        "--records",
        str(size),
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"part {part} failed")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookup-sizes", default="200000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument(
        "--duckdb-memory",
        help="DuckDB memory_limit for Nestguard's engine (e.g. 8GB); it spills beyond it",
    )
    parser.add_argument("--part", choices=("nestguard", "splink", "lookup"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.part:
        data = _load(args.data, args.records)
        if args.part == "nestguard":
            out = part_nestguard(data)
        elif args.part == "splink":
            out = part_splink(data)
        else:
            out = part_lookup(data, args.queries, args.seed)
        print(json.dumps(out))
        return

    if args.duckdb_memory:
        os.environ[DUCKDB_MEMORY_ENV] = args.duckdb_memory
    # --lookup-sizes 0 (or "") skips the lookups.
    sizes = [int(s) for s in args.lookup_sizes.split(",") if s and int(s) > 0]
    total = max([args.records, *sizes])
    started = time.perf_counter()
    data = generate(total, seed=args.seed)
    print(
        f"generated {len(data):,} synthetic records ({len({d.person_id for d in data}):,} people) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.NamedTemporaryFile(
        suffix=".pickle", delete=False, dir=tempfile.gettempdir()
    ) as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        data_path = handle.name
    del data
    try:
        n = args.records
        print(f"\n== batch linkage of {n:,} records (train + score + cluster at 0.95) ==")
        parts = [("nestguard", "Nestguard engine (DuckDB)")]
        if not args.skip_splink:
            parts.append(("splink", "plain Splink, default comparisons"))
        for part, label in parts:
            r = _run_part(part, data_path, n, args)
            seconds = float(r["seconds"])  # type: ignore[arg-type]
            print(
                f"{label:36} {seconds:8.1f} s  {n / seconds:9,.0f} rec/s  "
                f"peak {r['peak_mb']:7,.0f} MB  (train {r['train_seconds']:.1f} s)  "
                f"precision {r['precision']:.4f}  recall {r['recall']:.4f}"
            )
        if sizes:
            print(
                f"\n== real-time lookup ({args.queries} queries, "
                "each a fresh copy with one kind of error) =="
            )
        for size in sizes:
            r = _run_part("lookup", data_path, size, args)
            print(
                f"{size:>9,} records: p50 {r['p50_ms']:6.2f} ms  p95 {r['p95_ms']:6.2f} ms  "
                f"max {r['max_ms']:6.2f} ms  true person first {r['true_person_first']:.1%}  "
                f"(index built in {r['build_seconds']:.1f} s, peak {r['peak_mb']:,.0f} MB)"
            )
    finally:
        Path(data_path).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
