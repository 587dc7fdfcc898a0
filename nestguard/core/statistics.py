"""Planner statistics (docs/decisions/0081).

Without them SQLite guesses that any indexed equality finds a handful of rows, so it reads
every active case through the `status` index and sorts them, where walking the case list's
ordering index would stop after a page. `ANALYZE` tells it how many rows each index key
holds; with `analysis_limit` it samples each index rather than reading it whole, so it takes
a fraction of a second even at a borough's size. PostgreSQL keeps its own statistics
(autovacuum); it is analysed here only when asked.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

# Rows SQLite samples per index: ample for the planner, quick on a 2 GB file.
SQLITE_ANALYSIS_LIMIT = 1000


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
