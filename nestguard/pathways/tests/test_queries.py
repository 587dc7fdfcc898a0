"""The due view, the report and the episode page make the same number of queries whatever the
number of rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nestguard.cases.services.work import case_subject_record
from nestguard.pathways.services.missing import (
    missing_episode_record,
    missing_episode_return,
    return_interview_record,
)
from nestguard.pathways.services.nrm import nrm_referral_record
from nestguard.pathways.tests.conftest import hours_ago, years_ago

pytestmark = pytest.mark.django_db

# Measured on SQLite; the case page takes one more on PostgreSQL (the audit chain's lock).
# The report and the door's audit of who looked (a savepoint, the chain's last hash, the
# insert, its release; on PostgreSQL also the chain's lock): fixed, whatever the number of
# episodes.
REPORT_QUERIES = 19


def children_with_episodes(pw, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    owner = pw.personas.owner
    for n in range(start, start + count):
        child = case_subject_record(
            actor=owner, case=pw.case, role="victim", given_name=f"Child{n}",
            family_name="Querytest", date_of_birth=years_ago(13, days=n),
        ).person  # fmt: skip
        episode = missing_episode_record(
            actor=owner, person=child, case=pw.case, report_type="missing", risk_grade="medium",
            category="missing_from_care", care_status="looked_after", started_at=hours_ago(120 + n),
        )  # fmt: skip
        missing_episode_return(
            actor=owner, episode=episode, returned_at=hours_ago(100), found_by="police",
            harm_during=n % 2 == 0, harm_details="Hurt" if n % 2 == 0 else "",
        )  # fmt: skip
        if n % 3 == 0:
            episode.refresh_from_db()
            return_interview_record(
                actor=owner, episode=episode, outcome="offered", offered_at=hours_ago(99)
            )
        nrm_referral_record(
            actor=owner, person=child, case=pw.case, consent="not_required",
            referred_on=timezone.localdate() - timedelta(days=n % 10), exploitation_types=["cce"],
        )  # fmt: skip


def queries_for(client, path: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


# Every installed app registers its own clock sources, so the due view's count is compared
# with itself at 2 and at 12 rows rather than with a figure that each new source would move.
def test_due_view_queries_do_not_grow(pw, client_for):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    children_with_episodes(pw, 2)
    few, _ = queries_for(client, "/due/team/")
    children_with_episodes(pw, 10, start=2)
    many, page = queries_for(client, "/due/team/")
    assert page.count("Return home interview after episode") == 12
    assert many == few


@pytest.mark.parametrize("rows", [2, 12])
def test_report_queries_do_not_grow(pw, client_for, django_assert_max_num_queries, rows):
    children_with_episodes(pw, rows)
    client = client_for("supervisor")
    chain_lock = int(connection.vendor == "postgresql")
    with django_assert_max_num_queries(REPORT_QUERIES + chain_lock):
        response = client.get("/missing/report/")
    assert f'<dd class="govuk-summary-list__value">{rows}</dd>' in response.content.decode()


def test_case_page_queries_do_not_grow(pw, client_for):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    children_with_episodes(pw, 2)
    few, _ = queries_for(client, f"/cases/{pw.case.pk}/")
    children_with_episodes(pw, 10, start=2)
    many, page = queries_for(client, f"/cases/{pw.case.pk}/")
    assert page.count("Return interview overdue") == 12
    assert many == few
