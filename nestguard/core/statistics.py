"""Planner statistics (docs/decisions/0081).

Without them SQLite guesses that any indexed equality finds a handful of rows, so it reads
every active case through the `status` index and sorts them, where walking the case list's
ordering index would stop after a page. `ANALYZE` tells it how many rows each index key
holds. It reads every index whole (decision 0095): a sample of the first 1,000 entries of
an index (`analysis_limit`, as before) told SQLite that each of the case table's three
statuses holds 1,001 rows where the open and monitored cases are 14,000 of 96,000, so at
scale 160 it read them through the `status` index and sorted them all again (200 ms, the
case list's one query) instead of walking its ordering index for a page (2 ms). The whole
borough at scale 160 (2 GB) is analysed in about 5 s, after a migration or a load, never in
a request. PostgreSQL keeps its own statistics (autovacuum); it is analysed here only when
asked.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

# Rows SQLite reads per index: 0 is every row (a sample misjudges how many rows a key holds).
SQLITE_ANALYSIS_LIMIT = 0


def refresh_planner_statistics(using: str = "default", *, postgresql: bool = False) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql" and postgresql:
            cursor.execute("ANALYZE")


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """A migration may have added an index the planner knows nothing about yet."""
    refresh_planner_statistics(using)
