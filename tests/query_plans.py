"""Query plans of captured queries, for the slow-query guard (tests/test_query_plans.py) and
for finding out why a page is slow (bench/plans.py). Decision 0081.

A plan is bad when it reads the whole of a large table:

- SQLite (`EXPLAIN QUERY PLAN`): a `SCAN <table>` step. Walking an index in order
  (`SCAN t USING INDEX i`) is allowed only in a query with a LIMIT, where it stops after a
  page (the keyset lists do exactly that); a bare `SCAN t` or a walk of a covering index
  without a LIMIT reads every row.
- PostgreSQL (`EXPLAIN (FORMAT JSON)`, after ANALYZE, with `enable_seqscan` off so that a
  sequential scan is chosen only where no index can serve): a `Seq Scan` node.

Only the tables passed as `large` are checked: a planner may rightly read a small code
table whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

_SQLITE_STEP = re.compile(r"^(?P<kind>SCAN|SEARCH) (?P<table>\w+)(?: AS \w+)?(?P<rest>.*)$")
# Django names the tables of a subquery U0, V0, W0...: `FROM "people_person" X0`.
_ALIAS = re.compile(r'"(?P<table>\w+)" (?P<alias>[A-Z]\d+)\b')
_LIMIT = re.compile(r"\bLIMIT\b", re.IGNORECASE)
_WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SELECT pg_advisory)",
    re.I,
)


@dataclass(frozen=True)
class Scan:
    table: str
    step: str
    sql: str

    def __str__(self) -> str:
        return f"{self.step}\n    in: {self.sql[:600]}"


def explainable(sql: str) -> bool:
    """Reads only: writes are by primary key, and the transaction's own statements have no
    plan worth reading."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH")) and not _WRITE.match(sql)


def plan_steps(sql: str, params: Sequence[Any] | None = None) -> list[tuple[str, bool]]:
    """The plan of one query, one step a line, each with whether it belongs to a subquery
    whose whole result is built before the query runs (SQLite's `LIST SUBQUERY`, the list of
    an `IN (SELECT ...)`)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            rows = cursor.fetchall()
            listed: set[int] = set()
            steps = []
            for node, parent, _unused, detail in rows:
                inside = parent in listed
                if inside or str(detail).startswith("LIST SUBQUERY"):
                    listed.add(node)
                steps.append((str(detail), inside))
            return steps
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            raw = cursor.fetchone()[0]
            document = json.loads(raw) if isinstance(raw, str) else raw
            return [
                (
                    f"{node.get('Node Type')} {node.get('Relation Name', '')} "
                    f"{node.get('Index Name', '')}".strip(),
                    False,
                )
                for node in _nodes(document[0]["Plan"])
            ]
    raise NotImplementedError(connection.vendor)


def plan_lines(sql: str, params: Sequence[Any] | None = None) -> list[str]:
    return [step for step, _listed in plan_steps(sql, params)]


def _nodes(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


# An index lookup that finds, on average, this share of its table or more reads "everything
# the user's agency leads" rather than "this person's cases".
BROAD_SHARE = 0.01
_SEARCH_KEYS = re.compile(
    r"USING (?:COVERING |PRIMARY KEY)?(?:INDEX (?P<index>\w+) )?\((?P<keys>[^)]*)\)"
)


def _rows_per_key(table: str, index: str, keys: str) -> float:
    """The share of `table` an equality lookup on the first columns of `index` finds on
    average (COUNT over COUNT DISTINCT, read here so that the database itself keeps no
    statistics that would change its plans)."""
    equal = [k.split("=")[0].strip() for k in keys.split(" AND ") if k.strip().endswith("=?")]
    if not equal or not index:
        return 0.0
    columns = ", ".join(f'"{c}"' for c in equal)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (our own table names)
        total = cursor.fetchone()[0]
        cursor.execute(f'SELECT COUNT(*) FROM (SELECT DISTINCT {columns} FROM "{table}")')  # noqa: S608
        distinct = cursor.fetchone()[0]
    return 1 / max(distinct, 1) if total else 0.0


def _table_of(rest: str) -> str:
    """The table of the index a step uses (Django names every subquery's tables U0, V0...,
    so an alias alone is ambiguous)."""
    index = re.search(r"INDEX (\w+)", rest)
    if not index:
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE name = %s", [index[1]])
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def scans(sql: str, params: Sequence[Any] | None, large: set[str]) -> list[Scan]:
    """The steps of the query's plan that read the whole of one of the `large` tables, or a
    broad part of one (an index lookup that finds, on average, BROAD_SHARE of the table or
    more, such as "every case the user's agency leads"), unless the query stops after a page
    (a LIMIT, walking an index in its order, no sort of everything found first). Steps that
    build the list of an `IN (SELECT ...)` are never stopped by a LIMIT."""
    found = []
    aliases = {m["alias"]: m["table"] for m in _ALIAS.finditer(sql)}
    steps = plan_steps(sql, params)
    sorts_all = any("USE TEMP B-TREE FOR ORDER BY" in step for step, _ in steps)
    paged = bool(_LIMIT.search(sql)) and not sorts_all
    for step, listed in steps:
        if connection.vendor == "sqlite":
            match = _SQLITE_STEP.match(step)
            if not match:
                continue
            table = _table_of(match["rest"]) or aliases.get(match["table"], match["table"])
            if table not in large or (paged and not listed):
                continue
            if match["kind"] == "SEARCH":
                keys = _SEARCH_KEYS.search(match["rest"])
                if keys is None or " PRIMARY KEY " in match["rest"]:
                    continue
                if _rows_per_key(table, keys["index"] or "", keys["keys"]) < BROAD_SHARE:
                    continue
            where = " (in the list of an IN)" if listed else ""
            found.append(Scan(table, step + where, sql))
        elif step.startswith("Seq Scan "):
            table = step.split()[2]
            if table in large:
                found.append(Scan(table, step, sql))
    return found


def no_seqscan() -> None:
    """On PostgreSQL, make the planner choose a sequential scan only where nothing else can
    serve, for the rest of the transaction; nothing on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


def analyze() -> None:
    """Fresh planner statistics (PostgreSQL), so that plans are those of a loaded database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def large_tables(minimum: int) -> set[str]:
    """The tables holding at least `minimum` rows."""
    tables = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (our own table names)
            if cursor.fetchone()[0] >= minimum:
                tables.add(table)
    return tables


def vm_steps(work: Any, every: int = 100) -> int:
    """How much work SQLite's engine does for `work()`: its virtual machine's instructions,
    counted in hundreds through the progress handler. Deterministic for a database and a
    SQLite version, unlike a clock, so a test may compare two calls' counts."""
    connection.ensure_connection()
    raw = connection.connection
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0  # go on

    raw.set_progress_handler(tick, every)
    try:
        work()
    finally:
        raw.set_progress_handler(None, every)
    return counted[0] * every
