"""The test settings' PostgreSQL session options reach every test connection (decision 0143):
no JIT compilation (a rolled-back ANALYZE left later tests planned for thousands of rows and
compiling their queries), and commits that do not wait for the disk (decision 0122)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's session options"),
]


def test_a_test_connection_compiles_no_query_and_commits_without_waiting() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    assert (jit, synchronous_commit) == ("off", "off")
