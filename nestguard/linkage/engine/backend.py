"""Running the person model with Splink: training on DuckDB, prediction on DuckDB or Spark."""

from __future__ import annotations

import logging
import operator
import os
import random
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .comparisons import WEIGHT_FLOORS
from .model import DEFAULT_GUARDS, EVIDENCE_RULES, LinkageModel, floor_weights, untrained_model
from .normalise import FEATURE_COLUMNS, FEATURE_GROUPS
from .records import SourceRecord
from .spark_settings import check_reachable, spark_settings

ProgressFn = Callable[[str, float], None]
ENGINES = ("duckdb", "spark")

# Splink logs every SQL step at INFO; the engine reports progress through `progress`.
logging.getLogger("splink").setLevel(logging.ERROR)
logger = logging.getLogger(__name__)


# What the engine links: source records, or (at millions of records) an Arrow table with a
# string column per field of `records.FIELDS` ("" or null where missing), which holds them
# in columns instead of a Python object per record (decision 0137).
Records: TypeAlias = "Sequence[SourceRecord] | pa.Table"


def feature_table(records: Records, fresh: Collection[str] | None = None) -> pa.Table:
    """One row per record: `unique_id` (position in `records`) and the feature columns;
    with `fresh` (record ids), a `fresh` column: 1 for those records, 0 for the rest."""
    table = _table_by_distinct_values(records)
    if fresh is None:
        return table
    if isinstance(records, pa.Table):
        wanted = pa.array(list(fresh), pa.string())
        ids = records.column("record_id")
        flags = pc.is_in(ids, value_set=wanted).to_numpy(zero_copy_only=False).astype(np.int8)
    else:
        flags = np.fromiter(
            (r.record_id in fresh for r in records), dtype=np.int8, count=len(records)
        )
    return table.append_column("fresh", pa.array(flags))


def _group_codes(records: Records, fields: tuple[str, ...]) -> tuple[np.ndarray, list[Any]]:
    """Each record's position among the distinct values of `fields` (a value, or a tuple
    of values for several fields), and those distinct values in order of first appearance."""
    if isinstance(records, pa.Table):
        return _group_codes_of_table(records, fields)
    getter = operator.attrgetter(*fields)
    codes: dict[Any, int] = {}
    positions = np.fromiter(
        (codes.setdefault(getter(r), len(codes)) for r in records),
        dtype=np.int32,
        count=len(records),
    )
    return positions, list(codes)


def _group_codes_of_table(table: pa.Table, fields: tuple[str, ...]) -> tuple[np.ndarray, list[Any]]:
    """`_group_codes` on Arrow columns: each column dictionary-encoded in C (first
    appearance first, as the loop over records), several columns combined by their codes."""
    encoded = []
    for name in fields:
        column = pc.fill_null(table.column(name), "").combine_chunks()
        encoded.append(pc.dictionary_encode(column))
    if len(encoded) == 1:
        (only,) = encoded
        return only.indices.to_numpy().astype(np.int32), only.dictionary.to_pylist()
    key = np.zeros(table.num_rows, dtype=np.int64)
    for column in encoded:
        key = key * len(column.dictionary) + column.indices.to_numpy().astype(np.int64)
    combined = pc.dictionary_encode(pa.array(key))
    distinct_keys = combined.dictionary.to_numpy()
    parts = []
    for column in reversed(encoded):
        size = len(column.dictionary)
        parts.append(column.dictionary.take(pa.array(distinct_keys % size)).to_pylist())
        distinct_keys = distinct_keys // size
    values = list(zip(*reversed(parts), strict=True))
    return combined.indices.to_numpy().astype(np.int32), values


def _table_by_distinct_values(records: Records) -> pa.Table:
    """The feature columns of `feature_values` for every record, built column group by
    column group: each group's features are worked out once per distinct source value, so
    no tuple per record is built or held (at a million records, 24 s became 2 s).

    Each string column is dictionary-encoded: the distinct values once and an int32 index
    per record (null where the feature is missing), not a string per record. At a million
    records that is about 120 MB instead of 420 MB, and the table is held while DuckDB
    scores, the batch's peak (decision 0134). DuckDB reads the columns as plain VARCHAR.
    The one list column (`gn_groups`) is spread to the records with `take`."""
    columns: dict[str, Any] = {}
    for fields, function, names in FEATURE_GROUPS:
        positions, codes = _group_codes(records, fields)
        values = [function(*v) if len(fields) > 1 else function(v) for v in codes]
        for index, name in enumerate(names):
            distinct = [v[index] for v in values]
            if name == "gn_groups":
                columns[name] = pa.array(distinct, type=pa.list_(pa.string())).take(positions)
                continue
            given = np.fromiter((d is not None for d in distinct), dtype=bool, count=len(distinct))
            columns[name] = pa.DictionaryArray.from_arrays(
                pa.array(positions, mask=~given[positions]), pa.array(distinct, pa.string())
            )
    if set(columns) != set(FEATURE_COLUMNS):
        raise RuntimeError("normalise.FEATURE_GROUPS must give every feature column once")
    ids = pa.array(np.arange(len(records), dtype=np.int64))
    return pa.table({"unique_id": ids, **{name: columns[name] for name in FEATURE_COLUMNS}})


@dataclass
class PredictedPairs:
    """Scored pairs as parallel numpy arrays; `gammas[i]` is the level index per comparison."""

    left: np.ndarray  # int64 positions in the record list
    right: np.ndarray
    match_weight: np.ndarray
    match_probability: np.ndarray
    gammas: np.ndarray  # shape (pairs, comparisons), int8, -1 for the null level
    blocked: int = 0  # pairs the blocking rules gave to be compared (DuckDB; 0 when not counted)


# DuckDB's memory cap for a linkage run (e.g. "8GB"; unset: DuckDB's own default, 80% of
# the machine's memory). Beyond it DuckDB spills to a directory under the temp directory,
# which is how ten million records link on one machine (bench/linkage.py --duckdb-memory).
DUCKDB_MEMORY_ENV = "NESTGUARD_LINKAGE_DUCKDB_MEMORY"


def _duckdb_api(*, scoring: bool = False) -> Any:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
    con.execute(f"SET temp_directory = '{os.path.join(_tmp_dir(), 'nestguard-duckdb')}'")
    if limit := os.environ.get(DUCKDB_MEMORY_ENV):
        con.execute("SET memory_limit = ?", [limit])
    if scoring:
        # Scored pairs are read into arrays and sorted where order matters, so DuckDB need
        # not keep rows in order (it holds less to do so). Not for training: Splink's
        # seeded sampling of random pairs depends on the order of rows.
        con.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=con)


_SPARK: Any = None


def java_available() -> bool:
    return shutil.which("java") is not None


def spark_session(environ: Mapping[str, str] | None = None) -> Any:
    """The Spark session, made once per process, where `NESTGUARD_SPARK_MASTER` and
    `NESTGUARD_SPARK_CONF` say (see `spark_settings`; local[2] when unset)."""
    global _SPARK
    if _SPARK is None:
        if not java_available():
            raise RuntimeError("the Spark engine needs a Java runtime (java was not found)")
        from pyspark.sql import SparkSession
        from splink.internals.spark.jar_location import similarity_jar_location

        environ = os.environ if environ is None else environ
        settings = spark_settings(environ, similarity_jar_location())
        check_reachable(settings.master)
        builder = SparkSession.builder.master(settings.master)
        for key, value in settings.conf.items():
            builder = builder.config(key, value)
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
        if settings.is_local:
            _SPARK.sparkContext.setCheckpointDir(os.path.join(_tmp_dir(), "spark-checkpoints"))
    return _SPARK


def _tmp_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def _linker(
    table: pa.Table, model: LinkageModel, engine: str, *, trained: bool, scoring: bool = False
) -> Any:
    from splink import Linker

    if engine == "duckdb":
        db_api = _duckdb_api(scoring=scoring)
        sdf = db_api.register(table)
    elif engine == "spark":
        from splink import SparkAPI

        spark = spark_session()
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        sdf = db_api.register(spark.createDataFrame(_decoded(table).to_pandas()))
    else:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    settings = model.splink_settings(
        with_parameters=trained, fresh_only="fresh" in table.column_names
    )
    return Linker(sdf, settings, log_level=logging.WARNING)


def _decoded(table: pa.Table) -> pa.Table:
    """The table with its dictionary-encoded columns as plain strings (for pandas and
    Spark, which would otherwise see categories)."""
    plain = [
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(plain))


def _release(linker: Any, engine: str) -> None:
    """Close a DuckDB linker's connection once its work is done. Splink's linker sits in
    reference cycles, so without this its connection, and every table DuckDB holds for it
    (some hundreds of MB at a million records), lives on until Python's cyclic collector
    happens to run: during the next, larger step. (Spark's session is shared; left open.)"""
    if engine == "duckdb":
        linker._db_api.duckdb_con.close()


def _starting_m(levels: int) -> list[float | None]:
    """Starting m probabilities: most matches in the top level, halving down, a little in
    'else'. EM replaces them; they remain only where the data cannot inform a level."""
    shares = [2.0**-i for i in range(levels - 2)] + [0.05]
    total = sum(shares)
    return [None, *[share / total for share in shares]]


def estimate_match_rate(rows: Sequence[dict[str, Any]], recall: float = 0.7) -> float:
    """λ from pairs that agree on near-certain rules (name and date of birth, identifier
    and date of birth, phone and date of birth), scaled up by the rules' assumed recall.

    Done here rather than by Splink so that a tiny or clean data set (no such pairs) still
    gives a usable, deterministic prior.
    """
    rules = (("gn", "fn", "dob"), ("ident", "dob"), ("phone", "dob"))
    pairs = pairs_agreeing(rows, rules, max_group=50)
    total = len(rows) * (len(rows) - 1) / 2
    return min(0.5, max(1.0, len(pairs) / recall) / total)


# Anchors for m: pairs that share a personal identifier (agency identifier or mobile) are
# almost all the same person, whatever their names, dates and addresses say; pairs that
# agree on full name and date of birth anchor the phone and identifier comparisons.
_ANCHORS: dict[str, tuple[tuple[str, ...], ...]] = {
    "default": (("ident",), ("mobile",)),
    "phone": (("gn", "fn", "dob"),),
    "identifier": (("gn", "fn", "dob"),),
}
MIN_ANCHOR_PAIRS = 30
MAX_TRAINING_RECORDS = 200_000


def pairs_agreeing(
    rows: Sequence[dict[str, Any]], rules: tuple[tuple[str, ...], ...], *, max_group: int
) -> set[tuple[int, int]]:
    """Pairs of positions whose rows agree on every column of any rule (none missing).
    A value shared by more than `max_group` rows is a placeholder ("0000"), not a person."""
    pairs: set[tuple[int, int]] = set()
    for rule in rules:
        groups: dict[tuple[Any, ...], list[int]] = {}
        # itemgetter builds each key in C (a generator per row was most of training's time).
        getter = operator.itemgetter(*rule)
        keys = map(getter, rows) if len(rule) > 1 else ((k,) for k in map(getter, rows))
        for position, key in enumerate(keys):
            if None not in key:
                groups.setdefault(key, []).append(position)
        for members in groups.values():
            if 1 < len(members) <= max_group:
                pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def estimate_m_from_anchors(
    rows: Sequence[dict[str, Any]], model: LinkageModel
) -> list[list[float | None] | None]:
    """m per level from the level counts of anchor pairs (add-one smoothed), or None for a
    comparison with too few anchor pairs (its starting m is then kept)."""
    out: list[list[float | None] | None] = []
    cache: dict[str, set[tuple[int, int]]] = {}
    for comparison in model.comparisons:
        anchor = comparison.name if comparison.name in _ANCHORS else "default"
        if anchor not in cache:
            cache[anchor] = pairs_agreeing(rows, _ANCHORS[anchor], max_group=10)
        pairs = cache[anchor]
        counts = [0] * len(comparison.levels)
        for a, b in sorted(pairs):
            counts[comparison.level_index(rows[a], rows[b])] += 1
        informative = sum(counts[1:])
        if informative < MIN_ANCHOR_PAIRS:
            out.append(None)
            continue
        smoothed = [c + 1 for c in counts[1:]]
        total = sum(smoothed)
        out.append([None, *[c / total for c in smoothed]])
    return out


# The household guards (decision 0030 point 4) protect against twins, siblings and
# same-named parents and children. Data with no households (FEBRL's independent people)
# needs none, and there they would only hold back true pairs; so training turns them off
# when the records clearly show no households: at least this many records, and pairs of
# "siblings" (one surname and address, given names unrelated, born in different years)
# fewer than this share of the records. Agency data has them by the hundred; when in
# doubt (a small set), the guards stay on.
HOUSEHOLD_MIN_RECORDS = 1_000
HOUSEHOLD_MIN_SHARE = 0.01


def household_pair_count(rows: Sequence[dict[str, Any]]) -> int:
    """Pairs that look like siblings or a parent and child: same family name, address and
    postcode; given names neither equal nor variants of each other; different birth years."""
    homes: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["fn"] and row["addr"] and row["pc"]:
            homes.setdefault((row["fn"], row["addr"], row["pc"]), []).append(row)
    count = 0
    for members in homes.values():
        if len(members) > 50:  # a hostel or a placeholder address, not a family
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                count += _look_like_relatives(a, b)
    return count


def _look_like_relatives(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if not (a["gn"] and b["gn"] and a["dob_y"] and b["dob_y"]) or a["dob_y"] == b["dob_y"]:
        return False
    return a["gn"] != b["gn"] and not set(a["gn_groups"] or ()) & set(b["gn_groups"] or ())


def _feature_rows(table: pa.Table) -> list[dict[str, Any]]:
    """`features(record)` for each row of the feature table, column by column: the table
    holds each record's own features (tested), so training need not work them out again
    record by record."""
    # Decoded first: a dictionary column's to_pylist is about ten times slower.
    plain = _decoded(table)
    columns = [plain.column(name).to_pylist() for name in FEATURE_COLUMNS]
    return [
        dict(zip(FEATURE_COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)
    ]


def has_households(records: int, household_pairs: int) -> bool:
    return records < HOUSEHOLD_MIN_RECORDS or household_pairs >= HOUSEHOLD_MIN_SHARE * records


def train(
    records: Records,
    *,
    seed: int,
    progress: ProgressFn | None,
    engine: str = "duckdb",
) -> LinkageModel:
    """Estimate λ (deterministic rules), u (Splink's random sampling with `seed`, on
    `engine`) and m (anchor pairs), on a seeded sample above MAX_TRAINING_RECORDS."""

    report = progress or (lambda stage, fraction: None)
    report("preparing records", 0.0)
    if len(records) > MAX_TRAINING_RECORDS:
        # A seeded sample: u comes from sampled pairs anyway, λ is unbiased under record
        # sampling, and anchor pairs remain plentiful.
        chosen = sorted(random.Random(seed).sample(range(len(records)), MAX_TRAINING_RECORDS))
        if isinstance(records, pa.Table):
            records = records.take(pa.array(chosen, pa.int64()))
        else:
            records = [records[i] for i in chosen]
    table = feature_table(records)
    rows = _feature_rows(table)
    base = untrained_model()
    base.m = [_starting_m(len(c.levels)) for c in base.comparisons]
    base.probability_two_random_records_match = estimate_match_rate(rows)
    linker = _linker(table, base, engine, trained=True)
    report(f"estimating u by random sampling ({engine})", 0.2)
    total_pairs = len(records) * (len(records) - 1) / 2
    # Enough random pairs for stable u; fewer for small inputs, where it is the slow step.
    max_u_pairs = min(1e6, max(1e5, 100.0 * len(records)))
    # Spark: the sampled pairs (a million at most, from some 1,400 records) in one pass.
    # Splink's chunks and probe keep DuckDB's memory down but cost Spark a few hundred
    # small jobs (minutes, not seconds); one pass counts every sampled pair (decision 0119).
    chunks = {"num_chunks": 1} if engine == "spark" else {}
    linker.training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed, **chunks)
    report("estimating m from anchor pairs", 0.6)
    anchored_m = estimate_m_from_anchors(rows, base)
    trained = linker.misc.save_model_to_json()
    _release(linker, engine)
    # A level never seen among sampled random pairs is rarer than one in the sample.
    u_floor = 1.0 / max(1.0, min(total_pairs, max_u_pairs))
    m: list[list[float | None]] = []
    u: list[list[float | None]] = []
    for comparison, start in zip(trained["comparisons"], base.m, strict=True):
        levels = comparison["comparison_levels"]
        # EM leaves m empty for a level no blocked pair reached: keep the starting value.
        m.append(anchored_m.pop(0) or start)
        u.append(
            [
                None if lv.get("is_null_level") else (lv.get("u_probability") or u_floor)
                for lv in levels
            ]
        )
    # Some comparisons may cost only so much when they disagree (sex: WEIGHT_FLOORS).
    m = floor_weights(base.comparisons, m, u, WEIGHT_FLOORS)
    households = household_pair_count(rows)
    guarded = has_households(len(rows), households)
    report("trained", 1.0)
    return LinkageModel(
        comparisons=base.comparisons,
        blocking_rules=base.blocking_rules,
        m=m,
        u=u,
        probability_two_random_records_match=base.probability_two_random_records_match,
        seed=seed,
        trained_on_records=len(records),
        guards=(DEFAULT_GUARDS if guarded else ()) + EVIDENCE_RULES,
        training={
            "household_pairs": households,
            "household_guards": guarded,
            "engine": engine,
            "u_max_pairs": max_u_pairs,
            "m_from": "anchor pairs (see estimate_m_from_anchors)",
            "match_rate_rules": [["gn", "fn", "dob"], ["ident", "dob"], ["phone", "dob"]],
        },
    )


def term_share_table(table: pa.Table, model: LinkageModel, column: str) -> pa.Table:
    """`column` and `tf_<column>`: each value's share by `LinkageModel.term_share`."""
    # Decoded first: a dictionary may hold one value twice (two raw spellings, one feature).
    counts = pc.value_counts(table.column(column).cast(pa.string()).drop_null())
    values = counts.field("values")
    numbers = counts.field("counts").to_numpy(zero_copy_only=False)
    total = int(numbers.sum())
    shares = [model.term_share(column, int(n), total) for n in numbers]
    return pa.table({column: values, f"tf_{column}": pa.array(shares, type=pa.float64())})


def _register_term_shares(linker: Any, table: pa.Table, model: LinkageModel, engine: str) -> None:
    # Our shares, not Splink's raw ones, so the batch and CandidateIndex weigh alike.
    db_api = linker._db_api
    for column in dict.fromkeys(model.term_frequency_columns):
        shares = term_share_table(table, model, column)
        if engine == "spark":
            frame = db_api.register(db_api.spark.createDataFrame(shares.to_pandas()))
        else:
            frame = db_api.register(shares)
        linker.table_management.register_term_frequency_lookup(frame, column)


def predict(
    table: pa.Table, model: LinkageModel, *, engine: str, threshold: float
) -> PredictedPairs:
    """Score every blocked pair at or above `threshold` (match probability)."""
    linker = _linker(table, model, engine, trained=True, scoring=True)
    _register_term_shares(linker, table, model, engine)
    gamma_cols = [f"gamma_{c.name}" for c in model.comparisons]
    cols = ["unique_id_l", "unique_id_r", "match_weight", "match_probability", *gamma_cols]
    if engine == "duckdb":
        arrays = _duckdb_scored_arrays(linker, cols, threshold, scoring_passes(table.num_rows))
        _release(linker, engine)
    else:
        scored = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        frame = linker._db_api.spark.table(scored.physical_name).selectExpr(*cols).toPandas()
        arrays = {c: frame[c].to_numpy() for c in cols}
    gammas = (
        np.stack([arrays[c].astype(np.int8) for c in gamma_cols], axis=1)
        if len(arrays["unique_id_l"])
        else np.zeros((0, len(gamma_cols)), dtype=np.int8)
    )
    return PredictedPairs(
        left=arrays["unique_id_l"].astype(np.int64),
        right=arrays["unique_id_r"].astype(np.int64),
        match_weight=arrays["match_weight"].astype(np.float64),
        match_probability=arrays["match_probability"].astype(np.float64),
        gammas=gammas,
        blocked=int(arrays["blocked"]) if "blocked" in arrays else 0,
    )


def _duckdb_scored_arrays(
    linker: Any, cols: list[str], threshold: float, chunks: int = 1
) -> dict[str, np.ndarray]:
    """The columns `cols` of the pairs `linker.inference.predict` would return, read
    straight into numpy.

    The same SQL as Splink's predict (its blocking, comparison and weight steps, so every
    pair scores exactly as there), with two differences that matter at a million records:
    the compared values of each pair are not copied into the output (Splink keeps them
    when `retain_matching_columns` is on, which `predict` needs for the levels), and the
    scored pairs are read as the query runs instead of being stored in a table first.
    Splink's internals are pinned by its major version (pyproject: splink>=5,<6) and the
    engine's tests compare this path with the Python scorer on every level.
    """
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )
    from splink.internals.dialects import SplinkDialect
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    settings = linker._settings_obj
    settings._retain_matching_columns = False
    columns = settings.column_info_settings
    parts: list[dict[str, np.ndarray]] = []
    blocked_count = 0
    for chunk in range(1, chunks + 1):
        # Splink's own chunking: the left record of a pair in chunk k of n by a hash of its
        # id, so each pass blocks and scores about 1/n of the pairs (n = 1: one pass).
        blocked, cached = linker.inference._get_or_compute_blocked_pairs_for_predict_chunk(
            left_chunk=(chunk, chunks) if chunks > 1 else None
        )
        try:
            pipeline = CTEPipeline([blocked])
            enqueue_df_concat_with_tf(linker, pipeline)
            pipeline.enqueue_list_of_sqls(
                compute_comparison_vector_values_from_id_pairs_sqls(
                    settings._columns_to_select_for_blocking,
                    settings._columns_to_select_for_comparison_vector_values,
                    input_tablename_l="__splink__df_concat_with_tf",
                    input_tablename_r="__splink__df_concat_with_tf",
                    source_dataset_input_column=columns.source_dataset_input_column,
                    unique_id_input_column=columns.unique_id_input_column,
                    link_type=settings._link_type,
                    sql_dialect_str="duckdb",
                )
            )
            pipeline.enqueue_list_of_sqls(
                predict_from_comparison_vectors_sqls(
                    unique_id_input_columns=columns.unique_id_input_columns,
                    core_model_settings=settings.core_model_settings,
                    sql_dialect=SplinkDialect.from_string("duckdb"),
                    threshold_match_probability=threshold,
                    # training_mode keeps the level (gamma) columns without the values.
                    training_mode=True,
                )
            )
            pipeline.enqueue_sql(
                f"SELECT {', '.join(cols)} FROM __splink__df_predict",  # noqa: S608
                "__nestguard_scored_pairs",
            )
            con = linker._db_api.duckdb_con
            # One count of the blocked pairs, already a table: what a run's size grows with.
            counted = con.sql(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()  # noqa: S608
            blocked_count += int(counted[0][0])
            data = con.sql(pipeline.generate_cte_pipeline_sql()).fetchnumpy()
            parts.append({c: np.asarray(data[c]) for c in cols})
            del data
        finally:
            if not cached:
                blocked.drop_table_from_database_and_remove_from_cache()
    joined = {c: np.concatenate([part[c] for part in parts]) for c in cols}
    return {"blocked": np.asarray(blocked_count), **joined}


# Records per scoring pass on DuckDB (decision 0137): above it the pairs are blocked and
# scored in passes, each holding about 1/n of them, so that the blocked pairs of ten million
# records (hundreds of millions) need not be held, or spilled, at once. A million records
# score in one pass, as before. NESTGUARD_LINKAGE_SCORING_PASSES sets the number.
RECORDS_PER_SCORING_PASS = 2_500_000
SCORING_PASSES_ENV = "NESTGUARD_LINKAGE_SCORING_PASSES"


def scoring_passes(records: int) -> int:
    if given := os.environ.get(SCORING_PASSES_ENV):
        return max(1, int(given))
    return max(1, -(-records // RECORDS_PER_SCORING_PASS))
