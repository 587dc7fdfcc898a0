"""Shared by the linkage benchmarks: a plain Splink model (the baseline) and timing helpers."""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nestguard.linkage.engine import SourceRecord

UPPER = 0.95


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


def plain_splink(
    records: Sequence[SourceRecord], *, seed: int = 42
) -> tuple[dict[str, str], dict[str, float]]:
    """A plain Splink 5 model with its library's default comparisons on the raw columns.

    Comparisons: NameComparison on each name, DateOfBirthComparison, PostcodeComparison,
    exact sex, phone and identifier. Blocking: names, date of birth, postcode + surname.
    Trained like our model (deterministic λ, u by sampling with the same seed, m by EM).
    Returns clusters at 0.95 and timings.
    """
    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def clean(value: str) -> str | None:
        value = value.strip().lower()
        return value or None

    fields = (
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "phone",
        "identifier",
    )
    columns: dict[str, Any] = {"unique_id": list(range(len(records)))}
    for name in fields:
        columns[name] = [clean(getattr(r, name)) for r in records]
    columns["postcode"] = [p.upper() if p else None for p in columns["postcode"]]
    db_api = DuckDBAPI(connection=duckdb.connect())
    table = db_api.register(pa.table(columns))
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
    linker = Linker(table, settings, log_level=logging.ERROR)
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
    rows = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    timings["total"] = time.perf_counter() - started
    ids = [r.record_id for r in records]
    return {ids[int(uid)]: str(cid) for uid, cid in rows}, timings
