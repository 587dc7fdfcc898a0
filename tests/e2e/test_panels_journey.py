"""A MACEMM in a real browser, as its chair and a caseworker use it.

A hub caseworker opens a case for a child and records two missing episodes on the pathways
pages; the panel chair creates the MACEMM and schedules its meeting, whose agenda does not
name the child; the child goes missing a third time in 90 days, and when the chair brings the
agenda up to date the repeat-missing rule (the pathways app's `repeat_missing` source) puts
them on it; an attendee signs the confidentiality agreement before reading; the chair records
an action for the caseworker on the child's item, and schedules the next meeting, whose
agenda carries the action over with the reason; the caseworker completes it from their
panel actions; the meeting after that carries nothing. Every page on the way is checked
with axe, and the agenda is reordered with the keyboard.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from nestguard.core.calendar import UK
from tests.e2e.conftest import HUB, PASSWORD, POLICE, Server
from tests.e2e.helpers import (
    Account,
    CodeClock,
    assert_accessible,
    expect_h1,
    sign_in_by_keyboard,
    tab_to,
)
from tests.e2e.test_journeys import UUID, _option, click_button, h1

pytestmark = pytest.mark.browser

CHAIR = Account("panelchair", PASSWORD, HUB, ("panel_chair",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
CHILD_GIVEN, CHILD_FAMILY = "Riley", "Journeychild"


@pytest.fixture(scope="module")
def chair(e2e_server: Server) -> Iterator[Account]:
    """The panel chair, provisioned with the administrators' createuser command."""
    e2e_server.add_account(CHAIR, "Panel", "Chair")
    yield CHAIR


def fill_date(page: Any, group_name: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=group_name)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def open_child_case(page: Any) -> str:
    """The hub caseworker opens a child exploitation case and names the child. → case URL."""
    page.goto("/cases/new/")
    page.get_by_label("Child criminal exploitation").check()
    page.get_by_label("Summary").fill("Repeatedly missing; seen with older youths out of area.")
    click_button(page, "Open case")
    page.wait_for_url(re.compile(rf"/cases/{UUID}/$"))
    case_url = page.url
    page.get_by_role("link", name="Add a person").first.click()
    page.get_by_label("Victim").check()
    page.get_by_label("Given name").fill(CHILD_GIVEN)
    page.get_by_label("Family name").fill(CHILD_FAMILY)
    today = datetime.now(UK).date()
    # 14 today; on 29 February, born on the 28th (that year has no 29th).
    fill_date(page, "Date of birth", dt.date(today.year - 14, today.month, min(today.day, 28)))
    click_button(page, "Add person")
    page.wait_for_url(case_url)
    return case_url


def record_missing_episode(
    page: Any, case_url: str, started: datetime, returned: datetime | None
) -> None:
    """An episode on the pathways pages, from the case page; its return if given."""
    page.goto(case_url)
    name = f"{CHILD_GIVEN} {CHILD_FAMILY}"
    page.get_by_role("link", name=re.compile(f"missing episode for {name}", re.I)).click()
    expect_h1(page, "Record a missing episode")
    choose(page, "Reported as", "Missing")
    choose(page, "Police risk grade", "High risk")
    choose(page, "Kind of episode", "Missing from home")
    choose(page, "Care status", "Not looked after")
    fill_date(page, "Date they went missing", started.date())
    page.get_by_label("Time they went missing").fill(started.strftime("%H:%M"))
    page.get_by_label("Circumstances").fill("Did not come home; seen at the station.")
    click_button(page, "Record episode")
    page.wait_for_url(re.compile(rf"/missing/{UUID}/$"))
    if returned is None:
        return
    page.get_by_role("link", name="Record their return").click()
    fill_date(page, "Date they returned", returned.date())
    page.get_by_label("Time they returned").fill(returned.strftime("%H:%M"))
    choose(page, "Who found them", "Police")
    page.get_by_label("Where they were found").fill("Northbrook bus station")
    choose(page, "What happened to them during the episode?", "No harm known")
    click_button(page, "Record return")
    page.wait_for_url(re.compile(rf"/missing/{UUID}/$"))


def choose(page: Any, group: str, option: str) -> None:
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def schedule(page: Any, panel_url: str, day: dt.date) -> str:
    page.goto(panel_url)
    page.get_by_role("link", name="Schedule the next meeting").click()
    expect_h1(page, "Schedule a meeting")
    fill_date(page, "Meeting date", day)
    click_button(page, "Schedule meeting")
    page.wait_for_url(re.compile(rf"/panels/meetings/{UUID}/$"))
    return str(page.url)


def test_third_missing_episode_to_a_completed_action(
    e2e_server: Server, new_context: Any, codes: CodeClock, chair: Account
) -> None:
    now = datetime.now(UK)
    today = now.date()  # the UK date, from the same instant as the episodes' times
    worker_page = new_context().new_page()
    sign_in_by_keyboard(worker_page, e2e_server.accounts["hubworker"], codes)
    case_url = open_child_case(worker_page)
    for days_ago in (60, 30):  # two episodes in 90 days, each with its return
        started = now - dt.timedelta(days=days_ago)
        record_missing_episode(worker_page, case_url, started, started + dt.timedelta(hours=20))

    # The chair sets up the MACEMM and schedules its meeting: the agenda builds itself.
    page = new_context().new_page()
    sign_in_by_keyboard(page, chair, codes)
    page.get_by_role("link", name="Panels").first.click()
    expect_h1(page, "Panels")
    assert_accessible(page, "the panels list")
    page.get_by_role("link", name="Create a panel").click()
    assert_accessible(page, "the create a panel page")
    click_button(page, "Create panel")  # empty: the error summary, nothing made
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    assert_accessible(page, "the create a panel page with errors")
    page.get_by_label("Name").fill("Northbrook MACEMM")
    page.get_by_label(re.compile("^Multi-agency child exploitation and missing")).check()
    click_button(page, "Create panel")
    page.wait_for_url(re.compile(rf"/panels/{UUID}/$"))
    panel_url = page.url
    expect_h1(page, "Northbrook MACEMM")
    page.get_by_role("link", name="Add an agency").click()
    assert_accessible(page, "the add an agency page")
    agency = page.get_by_label("Agency")
    agency.select_option(label=POLICE)
    click_button(page, "Add agency")
    page.wait_for_url(panel_url)
    expect(page.get_by_role("cell", name=POLICE)).to_be_visible()
    assert_accessible(page, "the panel page")

    first_url = schedule(page, panel_url, today)
    assert_accessible(page, "the first meeting's agenda")
    assert CHILD_FAMILY not in page.locator("main").inner_text()  # two episodes: not yet

    # The third episode in 90 days: the next build of the agenda puts the child on it.
    record_missing_episode(worker_page, case_url, now - dt.timedelta(hours=5), None)
    page.get_by_role("link", name="Bring the agenda up to date").click()
    assert_accessible(page, "the bring the agenda up to date page")
    click_button(page, "Update agenda")
    page.wait_for_url(first_url)
    item = page.locator("#agenda + ol > li").filter(has_text=f"{CHILD_GIVEN} {CHILD_FAMILY}")
    assert item.count() == 1, page.content()
    assert "3 missing episodes in 90 days" in item.inner_text()
    assert_accessible(page, "the agenda with the child on it")

    # The chair adds an item of their own and moves it up with the keyboard.
    page.get_by_role("link", name="Add an agenda item").click()
    assert_accessible(page, "the add an agenda item page")
    page.get_by_label("Title").fill("Locations: the Moss Lane garages")
    click_button(page, "Add item")
    page.wait_for_url(first_url)
    # The chair's item is last, after the child's. (Other journeys share this server: a child
    # they placed away or put on a part-time timetable may be on the agenda before them.)
    last = page.locator("#agenda + ol > li h3").count()
    move_up = page.get_by_role("button", name=f"Move up item {last}")
    tab_to(page, move_up, limit=80 + 10 * last)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    headings = page.locator("#agenda + ol > li h3").all_inner_texts()
    assert headings[last - 2] == f"{last - 1}. Locations: the Moss Lane garages", headings
    assert CHILD_FAMILY in headings[last - 1]

    # Attendance and the chair's action on the child's item.
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page, "the record attendance page")
    person = page.get_by_label("Person")
    person.select_option(label=_option(person, "Officer"))
    page.get_by_label("Attending").check()
    click_button(page, "Record")
    page.wait_for_url(first_url)
    page.get_by_role("link", name=f"Record an action for item {last}").click()
    expect_h1(page, "Record an action")
    assert_accessible(page, "the record an action page")
    click_button(page, "Record action")
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    assert_accessible(page, "the record an action page with errors")
    page.get_by_label("Action").fill("Complete the return home interview and share the themes")
    page.get_by_label("Owner agency").select_option(label=HUB)
    owner = page.get_by_label("Owner (optional)")
    owner.select_option(label=_option(owner, "Hubworker"))
    fill_date(page, "Due date", today + dt.timedelta(days=7))
    click_button(page, "Record action")
    page.wait_for_url(re.compile(rf"/panels/meetings/{UUID}/"))
    expect(page.get_by_text("Complete the return home interview").first).to_be_visible()
    assert_accessible(page, "the meeting with its action")

    # The attendee must sign the confidentiality agreement before reading the minutes.
    officer = new_context().new_page()
    sign_in_by_keyboard(officer, e2e_server.accounts["officer"], codes)
    officer.goto(first_url)
    assert h1(officer) == "Confidentiality agreement"
    assert_accessible(officer, "the confidentiality agreement")
    officer.get_by_label(re.compile("^I agree")).check()
    click_button(officer, "Sign and continue")
    officer.wait_for_url(first_url)
    expect(officer.get_by_text(f"{CHILD_GIVEN} {CHILD_FAMILY}").first).to_be_visible()

    # The next meeting, by the cadence: the action is carried over with the reason.
    second_url = schedule(page, panel_url, today + dt.timedelta(days=28))
    carried = page.locator("#carried + table")
    assert "Complete the return home interview" in carried.inner_text()
    assert "Overdue: no update from the owner" in carried.inner_text()
    assert "carried 1 time" in carried.inner_text()
    assert_accessible(page, "the second meeting with a carried action")
    assert second_url != first_url

    # The caseworker completes the action from their panel actions.
    worker_page.goto("/panels/actions/")
    assert_accessible(worker_page, "the panel actions page")
    worker_page.get_by_role("link", name=re.compile(r"^ACT-")).first.click()
    assert_accessible(worker_page, "the action page")
    worker_page.get_by_role("link", name="Update the action").click()
    assert_accessible(worker_page, "the update an action page")
    worker_page.get_by_label("Completed").check()
    fill_date(worker_page, "Date completed", today)
    click_button(worker_page, "Save")
    worker_page.wait_for_url(re.compile(rf"/panels/actions/{UUID}/$"))
    assert "Completed" in worker_page.locator(".govuk-summary-list").first.inner_text()
    assert "To the meeting on" in worker_page.content()

    # The meeting after that carries nothing.
    schedule(page, panel_url, today + dt.timedelta(days=56))
    expect(page.get_by_text("No actions carried over.")).to_be_visible()
    page.goto(second_url)
    assert "Completed" in page.locator("#carried + table").inner_text()


def test_panel_pages_keep_to_the_content_security_policy(
    e2e_server: Server, new_context: Any, codes: CodeClock, chair: Account
) -> None:
    """With the policy enforced (no bypass): the chair's panel pages load, nothing refused."""
    from tests.e2e.test_csp import watch

    page = new_context(bypass_csp=False).new_page()
    problems = watch(page)
    sign_in_by_keyboard(page, chair, codes)
    for path in ("/panels/", "/panels/new/", "/panels/actions/"):
        page.goto(path)
        page.wait_for_load_state("load")
    page.goto("/panels/")
    links = page.get_by_role("link", name=re.compile("MACEMM"))
    if links.count():  # after the journey: the panel and its latest meeting too
        links.first.click()
        page.wait_for_load_state("load")
        meeting = page.get_by_role("link", name=re.compile(r"\d{4}$")).first
        meeting.click()
        page.wait_for_url(re.compile(rf"/panels/meetings/{UUID}/$"))
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert not problems, "\n".join(problems)
