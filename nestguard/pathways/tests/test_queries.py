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
            harm=["physical_harm"] if n % 2 == 0 else ["none"],
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


def test_report_queries_do_not_grow(pw, client_for):  # type: ignore[no-untyped-def]
    client = client_for("supervisor")
    children_with_episodes(pw, 2)
    few, _ = queries_for(client, "/reports/missing_episodes/")
    children_with_episodes(pw, 10, start=2)
    many, page = queries_for(client, "/reports/missing_episodes/")
    assert "Missing episodes by age band" in page
    # The first read also fills what every report keeps (the wards' sizes): at most as many.
    assert many <= few


def test_case_page_queries_do_not_grow(pw, client_for):  # type: ignore[no-untyped-def]
    client = client_for("owner")
    children_with_episodes(pw, 2)
    few, _ = queries_for(client, f"/cases/{pw.case.pk}/")
    children_with_episodes(pw, 10, start=2)
    many, page = queries_for(client, f"/cases/{pw.case.pk}/")
    assert page.count("Return interview overdue") == 12
    assert many == few
