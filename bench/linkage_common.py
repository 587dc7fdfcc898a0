"""Shared by the linkage benchmarks: a plain Splink model (the baseline) and timing helpers."""

from __future__ import annotations

import logging
import os
import resource
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nestguard.linkage.engine import SourceRecord

UPPER = 0.95
# What plain Splink may spill under a memory limit, unless BENCH_SPLINK_MAX_SPILL says more
# (`bench/linkage.py --splink-spill`).
SPLINK_MAX_SPILL = "20GB"
SPLINK_SPILL_ENV = "BENCH_SPLINK_MAX_SPILL"


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The parent pid is the 2nd field after the command name in parentheses.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_rss_mb(root: int) -> float:
    """The resident memory of `root` and all its descendants now (Linux /proc)."""
    tree = _children()
    total_kb = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


class TreePeak:
    """The peak resident memory of this process and its children (a Spark driver's JVM
    is a child of the Python process), sampled twice a second in a thread: getrusage only
    sees children that have ended."""

    def __init__(self, every: float = 0.5) -> None:
        self.peak_mb = 0.0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))
            self._stop.wait(self._every)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()), peak_rss_mb())


_PLAIN_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "phone",
    "identifier",
)


def plain_splink(
    records: Sequence[SourceRecord], *, seed: int = 42
) -> tuple[dict[str, str], dict[str, float]]:
    """A plain Splink 5 model with its library's default comparisons on the raw columns.

    Comparisons: NameComparison on each name, DateOfBirthComparison, PostcodeComparison,
    exact sex, phone and identifier. Blocking: names, date of birth, postcode + surname.
    Trained like our model (deterministic λ, u by sampling with the same seed, m by EM).
    Returns clusters at 0.95 and timings.
    """
    import pyarrow as pa

    started = time.perf_counter()
    table = pa.table({name: [getattr(r, name) for r in records] for name in _PLAIN_FIELDS})
    labels, timings = plain_splink_table(table, seed=seed, started=started)
    ids = [r.record_id for r in records]
    return {ids[p]: str(label) for p, label in enumerate(labels.tolist())}, timings


def plain_splink_table(
    table: Any, *, seed: int = 42, memory_limit: str | None = None, started: float | None = None
) -> tuple[Any, dict[str, float]]:
    """`plain_splink` on an Arrow table with the source fields as string columns: the
    cluster of each record by position (an integer label per record) and timings. With
    `memory_limit`, DuckDB's cap (it spills beyond it, as the engine's does)."""
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    timings: dict[str, float] = {}
    started = time.perf_counter() if started is None else started

    def clean(column: Any) -> Any:
        # str.strip().lower(), "" as missing: in Arrow, not a Python string per value.
        text = pc.utf8_trim_whitespace(pc.utf8_lower(pc.fill_null(column, "")))
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)

    columns: dict[str, Any] = {"unique_id": pa.array(np.arange(table.num_rows, dtype=np.int64))}
    for name in _PLAIN_FIELDS:
        columns[name] = clean(table.column(name))
    columns["postcode"] = pc.utf8_upper(columns["postcode"])
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{os.path.join(tempfile.gettempdir(), 'splink-duckdb')}'")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
        # What it may spill: at ten million records its three rules block some 3.2
        # billion pairs, which would otherwise fill the shared machine's disk.
        con.execute(
            "SET max_temp_directory_size = ?",
            [os.environ.get(SPLINK_SPILL_ENV) or SPLINK_MAX_SPILL],
        )
    db_api = DuckDBAPI(connection=con)
    registered = db_api.register(pa.table(columns))
    del columns
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("identifier"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("date_of_birth"),
            block_on("postcode", "family_name"),
        ],
    )
    linker = Linker(registered, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for rule in (block_on("given_name", "family_name"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=2e6)
    timings["train"] = time.perf_counter() - started
    predicted = linker.inference.predict(threshold_match_probability=0.01)
    timings["predict"] = time.perf_counter() - started - timings["train"]
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predicted, UPPER)
    rows = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchnumpy()
    timings["total"] = time.perf_counter() - started
    labels = np.empty(table.num_rows, dtype=np.int64)
    _, codes = np.unique(np.asarray(rows["cluster_id"]), return_inverse=True)
    labels[np.asarray(rows["unique_id"], dtype=np.int64)] = codes
    return labels, timings
