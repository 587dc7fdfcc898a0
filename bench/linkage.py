"""Record linkage at scale: batch linkage beside plain Splink, and real-time lookups.

    .venv/bin/python bench/linkage.py [--records 1000000] [--lookup-sizes 200000,1000000]
        [--queries 200] [--seed 2026] [--skip-splink] [--engine duckdb|spark] [--duckdb-memory 8GB]

Prints, for synthetic agency records with known errors (nestguard.linkage.engine.synthetic):
1. batch linkage end to end (train + score + cluster) by Nestguard's engine (DuckDB):
   seconds, records per second, peak memory, and precision/recall of the clusters;
   with `--engine spark`, also trained and scored on Spark (NESTGUARD_SPARK_MASTER, default
   local[2]; driver memory 6g unless NESTGUARD_SPARK_CONF says otherwise), its peak memory
   the Python process and the driver's JVM together;
2. the same for a plain Splink model with the library's default comparisons;
3. real-time lookups (CandidateIndex) against the first N records for each lookup size:
   build time, p50/p95/max per lookup, and how often the true person is the top candidate;
4. beside it, the same lookups on the shared index (decision 0117): the time to write its
   files, then two NEW processes at once that map them: seconds from process start to the
   first answer, memory each adds (RSS, and from /proc/self/smaps_rollup the proportional
   PSS and the private USS: mapped pages are shared page cache), p50/p95/max, and whether
   every answer equals the in-memory index's.
Each part runs in its own process so its peak memory is its own. Figures, never asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from linkage_common import (
    SPLINK_SPILL_ENV,
    TreePeak,
    peak_rss_mb,
    plain_splink_table,
    tree_rss_mb,
)

from nestguard.linkage.engine import (
    FIELDS,
    CandidateIndex,
    LinkageModel,
    link_records,
    train_model,
)
from nestguard.linkage.engine.backend import DUCKDB_MEMORY_ENV
from nestguard.linkage.engine.evaluate import score_labels
from nestguard.linkage.engine.shared_index import MappedCandidateIndex, write_index
from nestguard.linkage.engine.synthetic import (
    ERROR_TYPES,
    Generator,
    LabelledRecord,
    labelled_records,
    write_parquet,
)


def _load_table(path: str, size: int) -> pa.Table:
    """The first `size` records of the generated file, as columns: the fields and the
    person each record is of (decision 0137: no Python object per record)."""
    return _read_first(path, size, [*FIELDS, "person_id"])


def _read_first(path: str, size: int, columns: list[str] | None = None) -> pa.Table:
    """The first `size` rows, reading only the row groups that hold them (the file may hold
    ten million records when a part needs one million)."""
    parquet = pq.ParquetFile(path)
    groups, rows = [], 0
    while rows < size and len(groups) < parquet.num_row_groups:
        rows += parquet.metadata.row_group(len(groups)).num_rows
        groups.append(len(groups))
    if rows < size:
        raise SystemExit(f"{path} holds {rows:,} records, fewer than {size:,}")
    return parquet.read_row_groups(groups, columns=columns).slice(0, size)


def _load(path: str, size: int) -> list[LabelledRecord]:
    """The first `size` records as Python objects (the lookups' parts, a million at most)."""
    return labelled_records(_read_first(path, size))


# Plain Splink's DuckDB memory_limit, handed to its part (`--splink-memory`).
SPLINK_MEMORY_ENV = "BENCH_SPLINK_DUCKDB_MEMORY"

# The bench's Spark settings on this machine, unless NESTGUARD_SPARK_CONF names others: the
# scored pairs (some millions at a million records) come back to the driver.
SPARK_BENCH_CONF = "spark.driver.memory 6g\nspark.driver.maxResultSize 4g\n"


class Phases:
    """The engine's own progress stages as phases: seconds from one stage to the next, and
    the process's RSS when each ended (a profile without a profiler's overhead)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.rows: list[tuple[str, float, float]] = []
        self._stage = ""
        self._at = time.perf_counter()

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.perf_counter()
        if self._stage:
            self.rows.append(
                (f"{self.prefix}: {self._stage}", now - self._at, tree_rss_mb(os.getpid()))
            )
        self._stage, self._at = ("" if fraction >= 1.0 else stage), now


def part_nestguard(data: pa.Table, engine: str = "duckdb") -> dict[str, object]:
    truth = data.column("person_id").to_numpy()
    records = data.drop_columns(["person_id"])
    del data
    training, linking = Phases("train"), Phases("link")
    with TreePeak() as peak:
        started = time.perf_counter()
        model = train_model(records, seed=42, engine=engine, progress=training)
        trained = time.perf_counter() - started
        result = link_records(records, model, engine=engine, progress=linking)
        total = time.perf_counter() - started
    assert result.cluster_heads is not None
    scores = score_labels(truth, result.cluster_heads)
    return {
        "seconds": total,
        "train_seconds": trained,
        "pairs": len(result),
        "blocked": result.blocked_pairs,
        "precision": scores.precision,
        "recall": scores.recall,
        "peak_mb": peak.peak_mb,
        "model": model.version,
        "household_guards": bool(model.training.get("household_guards")),
        "phases": training.rows + linking.rows,
    }


def _spark_environment(directory: str) -> dict[str, str]:
    environ = dict(os.environ)
    if not environ.get("NESTGUARD_SPARK_CONF"):
        conf = Path(directory) / "spark-defaults.conf"
        conf.write_text(SPARK_BENCH_CONF, encoding="utf-8")
        environ["NESTGUARD_SPARK_CONF"] = str(conf)
    return environ


def part_splink(data: pa.Table, memory_limit: str | None) -> dict[str, object]:
    truth = data.column("person_id").to_numpy()
    with TreePeak() as peak:
        labels, timings = plain_splink_table(data, memory_limit=memory_limit)
    scores = score_labels(truth, labels)
    return {
        "seconds": timings["total"],
        "train_seconds": timings["train"],
        "precision": scores.precision,
        "recall": scores.recall,
        "peak_mb": peak.peak_mb,
        "phases": [
            ("train (λ, u by sampling, m by EM)", timings["train"], 0.0),
            ("predict", timings["predict"], 0.0),
            ("cluster at 0.95", timings["total"] - timings["train"] - timings["predict"], 0.0),
        ],
    }


def _queries(data: list[LabelledRecord], queries: int, seed: int) -> list[LabelledRecord]:
    """Fresh copies of known people, each with one kind of error, their record id blank."""
    rng = random.Random(seed)
    firsts = [d for d in data if d.error_type == "first"]
    maker = Generator(seed + 1)
    out = []
    for _ in range(queries):
        first = rng.choice(firsts)
        query = maker.copy_with_error(first.record, rng.choice(ERROR_TYPES))
        query = type(query)(**{**query.as_dict(), "record_id": ""})
        out.append(LabelledRecord(query, first.person_id, "query"))
    return out


def _time_lookups(
    index: CandidateIndex, queries: list[LabelledRecord]
) -> tuple[list[float], list[list[tuple[str, float]]]]:
    latencies = []
    answers = []
    for query in queries:
        t = time.perf_counter()
        candidates = index.lookup(query.record, limit=10)
        latencies.append((time.perf_counter() - t) * 1000)
        answers.append([(c.record_id, round(c.match_weight, 9)) for c in candidates])
    return latencies, answers


def _figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        "max_ms": ordered[-1],
    }


def _digest(answers: list[list[tuple[str, float]]]) -> str:
    return hashlib.sha256(json.dumps(answers).encode()).hexdigest()[:16]


def part_lookup(
    data: list[LabelledRecord], queries: int, seed: int, work: Path
) -> dict[str, object]:
    """The in-memory CandidateIndex (the baseline); leaves the model and the queries in
    `work` for the shared index's parts, so that they need not load the records."""
    records = [d.record for d in data]
    person = {d.record.record_id: d.person_id for d in data}
    model = train_model(records[:50_000], seed=42)
    (work / "model.json").write_text(model.to_json())
    asked = _queries(data, queries, seed)
    with open(work / "queries.pickle", "wb") as handle:
        pickle.dump(asked, handle, protocol=pickle.HIGHEST_PROTOCOL)
    started = time.perf_counter()
    index = CandidateIndex.build(records, model)
    built = time.perf_counter() - started
    latencies, answers = _time_lookups(index, asked)
    top1 = sum(
        1 for q, a in zip(asked, answers, strict=True) if a and person[a[0][0]] == q.person_id
    )
    return {
        "build_seconds": built,
        **_figures(latencies),
        "true_person_first": top1 / queries,
        "answers": _digest(answers),
        "peak_mb": peak_rss_mb(),
    }


def part_write(data: list[LabelledRecord], work: Path) -> dict[str, object]:
    """Write the shared index's files (what the job `linkage.build_person_index` does)."""
    model = LinkageModel.from_json((work / "model.json").read_text())
    started = time.perf_counter()
    written = write_index((d.record for d in data), model, work, name="index")
    return {
        "seconds": time.perf_counter() - started,
        "file_mb": written.bytes / 2**20,
        "keys": written.keys,
        "peak_mb": peak_rss_mb(),
    }


def _memory() -> dict[str, float]:
    """This process's RSS, PSS, USS (pages no other process maps, file pages among them
    while it is the only one) and anonymous memory, in MB (Linux)."""
    fields: dict[str, float] = {}
    with open("/proc/self/smaps_rollup") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if len(parts) == 2 and parts[1] == "kB":
                fields[name] = int(parts[0]) / 1024
    return {
        "rss": fields.get("Rss", 0.0),
        "pss": fields.get("Pss", 0.0),
        "uss": fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0),
        # The process's own heap: what no other process can share, whoever maps the files.
        "anon": fields.get("Anonymous", 0.0),
    }


def part_mapped(work: Path, started_at: float, barrier: Path) -> dict[str, object]:
    """A new process, as a web process is: map the files, answer, measure what it added."""
    model = LinkageModel.from_json((work / "model.json").read_text())
    with open(work / "queries.pickle", "rb") as handle:
        asked: list[LabelledRecord] = pickle.load(handle)  # noqa: S301 (our own temp file)
    before = _memory()
    t = time.perf_counter()
    index = MappedCandidateIndex.open(work / "index", model)
    opened = time.perf_counter() - t
    index.lookup(asked[0].record, limit=10)
    first = time.perf_counter() - t
    ready = time.time() - started_at
    after_open = _memory()
    latencies, answers = _time_lookups(index, asked)
    after = _memory()
    barrier.touch()  # the other process measures while this one still holds its mapping
    deadline = time.monotonic() + 120
    while len(list(barrier.parent.glob("done-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    shared = _memory()
    return {
        "open_seconds": opened,
        "first_answer_seconds": first,
        "process_ready_seconds": ready,
        **_figures(latencies),
        "answers": _digest(answers),
        "before": before,
        "after_open": after_open,
        "after": after,
        "both_mapped": shared,
        "peak_mb": peak_rss_mb(),
    }


def _command(part: str, data_path: str, size: int, args: argparse.Namespace) -> list[str]:
    return [
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
        "--work",
        str(args.work or ""),
    ]


def _result(done: subprocess.CompletedProcess[str], part: str) -> dict[str, object]:
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"part {part} failed")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run_part(
    part: str,
    data_path: str,
    size: int,
    args: argparse.Namespace,
    environ: dict[str, str] | None = None,
) -> dict[str, object]:
    command = _command(part, data_path, size, args)
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=environ)
    return _result(done, part)


def _run_watched(
    part: str,
    data_path: str,
    size: int,
    args: argparse.Namespace,
    environ: dict[str, str] | None = None,
) -> dict[str, object] | str:
    """A batch part, stopped if it runs past `--part-minutes` or its process tree's
    resident memory passes `--part-memory-mb` (so that a ten-million-record run cannot take
    the machine's memory from other work): the part's figures, or why it did not complete."""
    command = _command(part, data_path, size, args)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=environ)
        started = time.monotonic()
        peak = 0.0
        why = ""
        minutes = (
            args.splink_minutes if part == "splink" and args.splink_minutes else args.part_minutes
        )
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            elapsed = time.monotonic() - started
            if args.part_memory_mb and peak > args.part_memory_mb:
                why = f"stopped at {peak:,.0f} MB resident (cap {args.part_memory_mb:,} MB)"
            elif minutes and elapsed > minutes * 60:
                why = f"stopped after {elapsed:,.0f} s, the cap of {minutes:g} minutes"
            if why:
                _stop_tree(process.pid)
                process.wait()
                return f"{why} (peak {peak:,.0f} MB)"
            time.sleep(0.5)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    if done.returncode != 0:
        last = [line for line in done.stderr.strip().splitlines() if line.strip()]
        # The exception's own line (a library may add advice after it), else the last line.
        errors = [line for line in last if "Error" in line or "Exception" in line]
        said = (errors or last or [f"exit status {done.returncode}"])[-1]
        return f"failed after {time.monotonic() - started:,.0f} s: {said}"
    return _result(done, part)


def _stop_tree(root: int) -> None:
    """Kill a part and its children (a Spark driver's JVM): only the processes it started."""
    tree = _children_of(root)
    for pid in [root, *tree]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _children_of(root: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == root:
            found.append(int(entry.name))
    return [pid for child in found for pid in (child, *_children_of(child))]


def _run_mapped(args: argparse.Namespace) -> list[dict[str, object]]:
    """Two new processes, as two web processes on one machine: the second starts once the
    first has done its lookups (so that their timings do not compete for the CPU), and each
    measures its memory again while both hold the mapping."""
    processes = []
    for n in range(2):
        command = [*_command("mapped", "", 0, args), "--started-at", str(time.time())]
        command += ["--barrier", str(Path(args.work) / f"done-{n}")]
        processes.append(
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
        deadline = time.monotonic() + 600
        while not (Path(args.work) / f"done-{n}").exists() and time.monotonic() < deadline:
            if processes[-1].poll() is not None:
                break
            time.sleep(0.1)
    results = []
    for process in processes:
        out, err = process.communicate()
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        results.append(_result(done, "mapped"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookup-sizes", default="200000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-batch", action="store_true", help="lookups only")
    parser.add_argument("--skip-engine", action="store_true", help="plain Splink's batch only")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: the batch on Spark as well, beside DuckDB",
    )
    parts = ("nestguard", "nestguard-spark", "splink", "lookup", "write", "mapped")
    parser.add_argument("--part", choices=parts, help=argparse.SUPPRESS)
    parser.add_argument(
        "--duckdb-memory",
        help="DuckDB memory_limit for Nestguard's engine (e.g. 8GB); it spills beyond it",
    )
    parser.add_argument(
        "--splink-memory",
        help="DuckDB memory_limit for plain Splink (e.g. 8GB); it spills beyond it",
    )
    parser.add_argument(
        "--splink-spill",
        help="what plain Splink may spill to disk under --splink-memory (default 20GB)",
    )
    parser.add_argument(
        "--part-minutes",
        type=float,
        default=0,
        help="stop a batch part after this many minutes and say so (0: no cap)",
    )
    parser.add_argument(
        "--splink-minutes",
        type=float,
        default=0,
        help="plain Splink's own time cap, if other than --part-minutes",
    )
    parser.add_argument(
        "--part-memory-mb",
        type=int,
        default=0,
        help="stop a batch part whose processes' resident memory passes this (0: no cap)",
    )
    parser.add_argument(
        "--records-file",
        help="a Parquet file write_parquet made with this seed and at least as many "
        "records, read instead of generating (its first records are those generated)",
    )
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--started-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--barrier", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.part == "mapped":
        out = part_mapped(Path(args.work), args.started_at, Path(args.barrier))
        print(json.dumps(out))
        return
    if args.part in ("nestguard", "nestguard-spark", "splink"):
        table = _load_table(args.data, args.records)
        if args.part == "splink":
            out = part_splink(table, os.environ.get(SPLINK_MEMORY_ENV))
        else:
            out = part_nestguard(table, engine="spark" if "spark" in args.part else "duckdb")
        print(json.dumps(out))
        return
    if args.part:
        data = _load(args.data, args.records)
        if args.part == "write":
            out = part_write(data, Path(args.work))
        else:
            out = part_lookup(data, args.queries, args.seed, Path(args.work))
        print(json.dumps(out))
        return

    if args.duckdb_memory:
        os.environ[DUCKDB_MEMORY_ENV] = args.duckdb_memory
    if args.splink_memory:
        os.environ[SPLINK_MEMORY_ENV] = args.splink_memory
    if args.splink_spill:
        os.environ[SPLINK_SPILL_ENV] = args.splink_spill
    # --lookup-sizes 0 (or "") skips the lookups.
    sizes = [int(s) for s in args.lookup_sizes.split(",") if s and int(s) > 0]
    total = max(sizes if args.skip_batch else [args.records, *sizes])
    started = time.perf_counter()
    # Streamed to a Parquet file with the labels (decision 0137); each part reads it.
    if args.records_file:
        data_path = args.records_file
        print(f"records from {data_path} (generated before, seed {args.seed})", flush=True)
    else:
        with tempfile.NamedTemporaryFile(suffix=".parquet", delete=False) as handle:
            data_path = handle.name
    try:
        if not args.records_file:
            people = write_parquet(data_path, total, seed=args.seed)
            print(
                f"generated {total:,} synthetic records ({people:,} people) "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        n = args.records
        parts = [] if args.skip_batch else [("nestguard", "Nestguard engine (DuckDB)")]
        if parts:
            print(f"\n== batch linkage of {n:,} records (train + score + cluster at 0.95) ==")
        if args.skip_engine:
            parts = []
        if parts and args.engine == "spark":
            master = os.environ.get("NESTGUARD_SPARK_MASTER") or "local[2]"
            parts.append(("nestguard-spark", f"Nestguard engine (Spark {master})"))
        if not args.skip_batch and not args.skip_splink:
            parts.append(("splink", "plain Splink, default comparisons"))
        for part, label in parts:
            environ = (
                _spark_environment(tempfile.mkdtemp(prefix="nestguard-spark-"))
                if "spark" in part
                else None
            )
            watched = _run_watched(part, data_path, n, args, environ)
            if isinstance(watched, str):
                print(f"{label:36} did not complete: {watched}", flush=True)
                continue
            r = watched
            seconds = float(r["seconds"])  # type: ignore[arg-type]
            print(
                f"{label:36} {seconds:8.1f} s  {n / seconds:9,.0f} rec/s  "
                f"peak {r['peak_mb']:7,.0f} MB  (train {r['train_seconds']:.1f} s)  "
                f"precision {r['precision']:.4f}  recall {r['recall']:.4f}"
                + (
                    f"  pairs {r['pairs']:,} of {r['blocked']:,} blocked  model {r['model']}"
                    f" (household guards {'on' if r.get('household_guards') else 'off'})"
                    if "model" in r
                    else ""
                ),
                flush=True,
            )
            for phase, phase_seconds, rss in r.get("phases", []):  # type: ignore[attr-defined]
                after = f"  RSS after {rss:7,.0f} MB" if rss else ""
                print(f"    {phase:44} {phase_seconds:7.1f} s{after}")
        if sizes:
            print(
                f"\n== real-time lookup ({args.queries} queries, "
                "each a fresh copy with one kind of error) =="
            )
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="ng-shared-index-") as work:
                args.work = work
                _lookups(size, data_path, args)
    finally:
        if not args.records_file:
            Path(data_path).unlink(missing_ok=True)


def _lookups(size: int, data_path: str, args: argparse.Namespace) -> None:
    r = _run_part("lookup", data_path, size, args)
    print(
        f"{size:>9,} records, in memory: p50 {r['p50_ms']:6.2f} ms  p95 {r['p95_ms']:6.2f} ms  "
        f"max {r['max_ms']:6.2f} ms  true person first {r['true_person_first']:.1%}  "
        f"(index built in {r['build_seconds']:.1f} s, peak {r['peak_mb']:,.0f} MB)"
    )
    w = _run_part("write", data_path, size, args)
    print(
        f"{size:>9,} records, shared index written in {w['seconds']:.1f} s: "
        f"{w['file_mb']:,.0f} MB of files, {w['keys']:,} keys "
        f"(writer's peak {w['peak_mb']:,.0f} MB)"
    )
    for n, m in enumerate(_run_mapped(args), start=1):
        before, after, both = m["before"], m["after"], m["both_mapped"]
        assert isinstance(before, dict) and isinstance(after, dict) and isinstance(both, dict)
        same = "same answers" if m["answers"] == r["answers"] else "ANSWERS DIFFER"
        print(
            f"{size:>9,} records, mapped #{n}: p50 {m['p50_ms']:6.2f} ms  "
            f"p95 {m['p95_ms']:6.2f} ms  max {m['max_ms']:6.2f} ms  {same}; "
            f"opened in {m['open_seconds']:.2f} s, first answer "
            f"{m['first_answer_seconds']:.2f} s after, "
            f"ready {m['process_ready_seconds']:.1f} s after process start"
        )
        rss = after["rss"] - before["rss"]
        pss = after["pss"] - before["pss"]
        uss = after["uss"] - before["uss"]
        anon = after["anon"] - before["anon"]
        print(
            f"{'':>9}  added by opening and {args.queries} lookups: RSS {rss:,.0f} MB, "
            f"PSS {pss:,.0f} MB, USS {uss:,.0f} MB, anonymous {anon:,.0f} MB; with both "
            f"processes mapped: PSS {both['pss'] - before['pss']:,.0f} MB, USS "
            f"{both['uss'] - before['uss']:,.0f} MB (process total RSS {after['rss']:,.0f} MB)"
        )


if __name__ == "__main__":
    main()
