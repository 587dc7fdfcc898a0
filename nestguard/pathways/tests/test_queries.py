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


def test_due_view_shows_a_page_at_a_time(pw, client_for, monkeypatch):  # type: ignore[no-untyped-def]
    """The view renders one page of the list (`rows_per_page`, decision 0095), most urgent
    first, with the same queries on every page; the overdue count is of the whole list."""
    from nestguard.pathways import policy

    rule_value = policy.rule_value

    def five_a_page(rules: str, code: str):  # type: ignore[no-untyped-def]
        return 5 if code == "rows_per_page" else rule_value(rules, code)

    monkeypatch.setattr(policy, "rule_value", five_a_page)
    client = client_for("owner")
    children_with_episodes(pw, 6)
    first_queries, first = queries_for(client, "/due/team/")
    total = int(first.split("Items 1 to 5 of ")[1].split("<")[0])
    assert total >= 12  # 6 interviews and 6 reasonable grounds decisions at least
    assert first.count('<td class="govuk-table__cell"><a class="govuk-link"') == 5
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    last_page = -(-total // 5)
    last_queries, last = queries_for(client, f"/due/team/?page={last_page}")
    assert f"Items {5 * (last_page - 1) + 1} to {total} of {total}" in last
    assert f'href="?page={last_page - 1}" rel="prev"' in last and 'rel="next"' not in last
    assert last_queries == first_queries
    overdue = first.split(" overdue.")[0].rsplit(". ", 1)[1]
    assert overdue == last.split(" overdue.")[0].rsplit(". ", 1)[1] and int(overdue) >= 6
    # Past the end or not a number: the nearest page there is.
    assert f"Items {5 * (last_page - 1) + 1} to" in queries_for(client, "/due/team/?page=99")[1]
    assert "Items 1 to 5 of" in queries_for(client, "/due/team/?page=x")[1]


def test_missing_episode_age_bands_follow_the_st_helens_review():
    """Issue 16 point 5: under 8, 8-10, 11-13, 14-15, 16-17 for children (not "under 11")."""
    from nestguard.pathways.selectors import age_band, age_bands

    assert [label for label, _, _ in age_bands(children_only=True)] == [
        "Under 8", "8 to 10", "11 to 13", "14 to 15", "16 to 17",
    ]  # fmt: skip
    assert [age_band(a) for a in (7, 8, 10, 11, 17, 18, None)] == [
        "Under 8", "8 to 10", "8 to 10", "11 to 13", "16 to 17", "18 or over", "Not known",
    ]  # fmt: skip
