"""The lists make the same number of queries for a few rows as for more (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from nestguard.accounts.services import api_token_create
from nestguard.intelligence.services.sanitise import sanitised_version_write

pytestmark = pytest.mark.django_db


def _counts(intel, more: int) -> dict[str, int]:
    for _ in range(more):
        report = intel.grade(intel.submit())
        intel.release(report)
        intel.shared(to=[intel.p.hub])
        intel.submit()
        sanitised_version_write(actor=intel.checker, report=intel.grade(intel.submit()), text="x")
    counts = {}
    pages = (
        (intel.grader, "intelligence:queue"),
        (intel.school_supervisor, "intelligence:mine"),
        (intel.p.owner, "intelligence:received"),
    )
    for user, name in pages:
        client = sign_in(Client(), user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    for user, name in ((intel.grader, "api:intelligence_reports"),
                       (intel.p.owner, "api:sanitised_versions")):  # fmt: skip
        _, token = api_token_create(actor=None, user=user, name="q")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    return counts


def test_lists_do_not_query_per_row(intel):
    few = _counts(intel, 1)
    more = _counts(intel, 3)
    assert few == more
