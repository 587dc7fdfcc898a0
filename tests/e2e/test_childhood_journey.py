"""Placements, education and transitions in a real browser (decision 0110): a hub caseworker
records a child's placement out of borough and a part-time timetable from the person page,
first with the mistakes the error summaries name; on a case about a young person of seventeen
and a half the case page warns of the transition and the caseworker records the plan. axe
checks every page on the way."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, assert_accessible, error_summary, expect_h1
from tests.e2e.helpers import sign_in_by_keyboard as sign_in

pytestmark = pytest.mark.browser

UK = ZoneInfo("Europe/London")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def _date(page: Any, group: str, day: datetime) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def _case_with(page: Any, given: str, family: str, born: datetime) -> str:
    page.goto("/cases/new/")
    page.get_by_role("group", name="Types of concern").get_by_label("County lines").check()
    page.get_by_label("Summary").fill("Placed away from home; missing from the placement.")
    _click(page, "Open case")
    page.wait_for_url(re.compile(rf"/cases/{UUID}/$"))
    case_url = str(page.url)
    page.get_by_role("link", name="Add a person to the case").click()
    page.get_by_role("group", name="Their role in this case").get_by_label(
        "Victim", exact=True
    ).check()
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    _date(page, "Date of birth", born)
    _click(page, "Add person")
    return case_url


def _person_pk(server: Server, family: str) -> str:
    return server.nestguard(
        "shell", "-c",
        "from nestguard.people.models import Person; "
        f"print(Person.objects.get(family_name={family!r}).pk)",
    ).strip().splitlines()[-1]  # fmt: skip


def test_placements_education_and_a_transition_plan(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in(page, e2e_server.accounts["hubworker"], codes)
    now = datetime.now(UK)
    _case_with(page, "Casey", "Placedchild", now.replace(year=now.year - 14, day=1))
    page.goto(e2e_server.url(f"/people/{_person_pk(e2e_server, 'Placedchild')}/"))
    expect_h1(page, "Casey Placedchild")

    page.get_by_role("link", name="Record a placement for Casey Placedchild").click()
    assert_accessible(page, "the placement form")
    _click(page, "Record the placement")
    expect(error_summary(page)).to_contain_text("Choose the placement type")
    assert_accessible(page, "the placement form with errors")
    page.get_by_role("group", name="Type of placement").get_by_label(
        "Unregulated accommodation"
    ).check()
    page.get_by_label("Placing authority").fill("Northbrook Council")
    page.get_by_label("Local authority the placement is in (optional)").fill("Southmoor Council")
    _date(page, "Start date", now - timedelta(days=40))
    _click(page, "Record the placement")
    expect(page.get_by_role("table").first).to_contain_text("Unregulated accommodation")
    assert_accessible(page, "the person page with a placement")

    page.get_by_role("link", name="Record an education status for Casey Placedchild").click()
    assert_accessible(page, "the education status form")
    page.get_by_role("group", name="Education status").get_by_label(
        "On a part-time timetable"
    ).check()
    _date(page, "Start date", now + timedelta(days=3))
    _click(page, "Record the education status")
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page, "the education status form with an error")
    _date(page, "Start date", now - timedelta(days=10))
    _click(page, "Record the education status")
    expect(page.get_by_role("cell", name="On a part-time timetable", exact=True)).to_be_visible()
    assert_accessible(page, "the person page with an education status")

    # Seventeen years and seven months old: the case page warns, and the plan is recorded.
    born = (now - timedelta(days=17 * 365 + 7 * 30)).replace(day=1)
    case_url = _case_with(page, "Jordan", "Nearlygrown", born)
    page.goto(case_url)
    expect(page.get_by_text("Jordan Nearlygrown turns 18 on")).to_be_visible()
    assert_accessible(page, "the case page with a transition warning")
    page.get_by_role("link", name="Record a transition plan for Jordan Nearlygrown").click()
    assert_accessible(page, "the transition plan form")
    _click(page, "Record the transition plan")
    expect(error_summary(page)).to_contain_text("Enter the transition plan")
    page.get_by_label("Transition plan").fill("Leaving care team from 18; same key worker.")
    _click(page, "Record the transition plan")
    page.wait_for_url(case_url)
    expect(page.get_by_text("Jordan Nearlygrown turns 18 on")).to_have_count(0)
