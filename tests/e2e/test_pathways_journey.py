"""The pathways in a real browser: a hub caseworker (a first responder) records a child's
missing episode from the case page, the return and the return home interview offered, and an
NRM referral; the due view shows the interview and the reasonable grounds decision; the case
page shows where the NRM stands. A supervisor reads the missing episodes report; an adult's
refusal leads to the anonymous Duty to Notify. axe checks every page on the way.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import HUB, PASSWORD, Server
from tests.e2e.helpers import Account, CodeClock, assert_accessible, error_summary, expect_h1
from tests.e2e.helpers import sign_in_by_keyboard as sign_in

pytestmark = pytest.mark.browser

UK = ZoneInfo("Europe/London")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SUPERVISOR = Account(
    "pathsupervisor", PASSWORD, HUB, ("supervisor",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)


def h1(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text()).strip()


def click_button(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def fill_date(page: Any, group: str, when: datetime) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(when.day))
    fields.get_by_label("Month").fill(str(when.month))
    fields.get_by_label("Year").fill(str(when.year))


def choose(page: Any, group: str, option: str) -> None:
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def provision(server: Server, tmp_path: Path) -> None:
    """The hub is a first responder organisation; a hub supervisor reads the report."""
    server.nestguard(
        "shell", "-c",
        "from nestguard.accounts.models import Agency; "
        f"Agency.objects.filter(name={HUB!r}).update(is_first_responder=True)",
    )  # fmt: skip
    if SUPERVISOR.username not in server.accounts:
        password_file = tmp_path / "password.txt"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        server.nestguard(
            "createuser", "--username", SUPERVISOR.username, "--agency", HUB,
            "--role", "supervisor", "--password-file", str(password_file),
            "--first-name", "Path", "--last-name", "Supervisor",
            "--totp-secret", str(SUPERVISOR.totp_secret),
        )  # fmt: skip
        server.accounts[SUPERVISOR.username] = SUPERVISOR


def open_case_with_a_child(page: Any) -> str:
    page.goto("/cases/new/")
    page.get_by_role("group", name="Types of concern").get_by_label("County lines").check()
    page.get_by_label("Summary").fill("Seen with older men at the station; going missing.")
    click_button(page, "Open case")
    page.wait_for_url(re.compile(rf"/cases/{UUID}/$"))
    case_url = page.url
    page.get_by_role("link", name="Add a person to the case").click()
    choose(page, "Their role in this case", "Victim")
    page.get_by_label("Given name").fill("Riley")
    page.get_by_label("Family name").fill("Pathwaychild")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("3")
    born.get_by_label("Month").fill("4")
    born.get_by_label("Year").fill(str(datetime.now(UK).year - 14))
    click_button(page, "Add person")
    return case_url


def test_missing_episode_interview_nrm_and_the_due_view(
    e2e_server: Server, new_context: Any, codes: CodeClock, tmp_path: Path
) -> None:
    provision(e2e_server, tmp_path)
    page = new_context().new_page()
    sign_in(page, e2e_server.accounts["hubworker"], codes)
    case_url = open_case_with_a_child(page)
    assert_accessible(page, "the case page with the pathways section")

    # A missing episode, from the case page
    page.get_by_role("link", name="record a missing episode for Riley Pathwaychild").click()
    expect_h1(page, "Record a missing episode")
    assert_accessible(page, "the missing episode form")
    click_button(page, "Record episode")
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page, "the missing episode form with errors")
    now = datetime.now(UK)
    started = now - timedelta(hours=6)
    choose(page, "Reported as", "Missing")
    choose(page, "Police risk grade", "High risk")
    choose(page, "Kind of episode", "Missing from home")
    choose(page, "Care status", "Not looked after")
    fill_date(page, "Date they went missing", started)
    page.get_by_label("Time they went missing").fill(started.strftime("%H:%M"))
    page.get_by_label("Circumstances").fill("Did not come home from school.")
    click_button(page, "Record episode")
    page.wait_for_url(re.compile(rf"/missing/{UUID}/$"))
    reference = re.search(r"MISS-\d{6}", page.content()).group(0)  # type: ignore[union-attr]
    expect_h1(page, "Riley Pathwaychild")
    assert_accessible(page, "the missing episode page")

    # The return, then the return home interview offered
    page.get_by_role("link", name="Record their return").click()
    assert_accessible(page, "the return form")
    back = now - timedelta(hours=3)
    fill_date(page, "Date they returned", back)
    page.get_by_label("Time they returned").fill(back.strftime("%H:%M"))
    choose(page, "Who found them", "Police")
    page.get_by_label("Where they were found").fill("Northbrook bus station")
    choose(page, "What happened to them during the episode?", "No harm known")
    click_button(page, "Record return")
    expect(page.get_by_text("Due by")).to_be_visible()
    page.get_by_role("link", name="Record the return home interview").click()
    assert_accessible(page, "the return interview form")
    offered = now - timedelta(hours=2)
    choose(page, "What happened to the interview", "Offered, not yet held")
    fill_date(page, "Date it was offered", offered)
    page.get_by_label("Time it was offered").fill(offered.strftime("%H:%M"))
    click_button(page, "Save interview")
    expect(page.get_by_text("Offered, not yet held")).to_be_visible()
    assert_accessible(page, "the missing episode page with its interview")

    # An NRM referral for the child: no consent needed
    page.goto(case_url)
    page.get_by_role("link", name="make an NRM referral for Riley Pathwaychild").click()
    expect_h1(page, "Record an NRM referral")
    assert_accessible(page, "the NRM referral form")
    choose(page, "Consent", "Not required: a child, or may be a child")
    page.get_by_role("group", name="Kinds of exploitation").get_by_label("County lines").check()
    click_button(page, "Record referral")
    page.wait_for_url(re.compile(rf"/nrm/{UUID}/$"))
    nrm = re.search(r"NRM-\d{6}", page.content()).group(0)  # type: ignore[union-attr]
    expect(page.get_by_text("Child (consent not required)")).to_be_visible()
    assert_accessible(page, "the NRM referral page")
    page.get_by_role("link", name="Record the reasonable grounds decision").click()
    assert_accessible(page, "the reasonable grounds form")

    # The case page says where the NRM stands; the due view shows both clocks
    page.goto(case_url)
    section = page.locator("#pathways")
    assert nrm in section.inner_text() and reference in section.inner_text()
    page.get_by_role("link", name="Due and overdue").click()
    expect_h1(page, "Due and overdue")
    table = page.get_by_role("table").inner_text()
    assert f"Return home interview after episode {reference}" in table
    assert f"Reasonable grounds decision on {nrm}" in table
    assert table.index(reference) < table.index(nrm)  # due in 72 hours, before 5 working days
    assert_accessible(page, "the due and overdue view")
    page.get_by_role("link", name="Show my team's work").click()
    assert reference in page.content()
    assert_accessible(page, "the team's due and overdue view")

    # Services and onward referrals
    page.get_by_role("link", name="Services directory", exact=True).click()
    expect_h1(page, "Services directory")
    assert_accessible(page, "the services directory")
    page.goto(case_url)
    page.get_by_role("link", name=re.compile("^Refer to a service")).click()
    assert_accessible(page, "the onward referral form")
    choose(page, "Who is being referred", "Riley Pathwaychild")
    page.get_by_label("Service", exact=True).select_option("young_adult_employment")
    choose(page, "Have they consented to the referral?", "Yes")
    page.get_by_label("Why you are referring them").fill("Wants to work")
    click_button(page, "Send referral")
    assert "aged 18 or over" in error_summary(page).inner_text()
    assert_accessible(page, "the onward referral form with the eligibility reason")
    page.get_by_label("Service", exact=True).select_option("child_exploitation_service")
    click_button(page, "Send referral")
    page.wait_for_url(re.compile(rf"/services/referrals/{UUID}/$"))
    assert_accessible(page, "the onward referral page")

    # Duty to Notify: anonymous, and refusing identifying details
    page.goto("/nrm/duty-to-notify/new/")
    assert_accessible(page, "the Duty to Notify form")
    choose(page, "Age band", "25 to 34")
    choose(page, "Gender", "Male")
    page.get_by_role("group", name="Kinds of exploitation").get_by_label(
        "Cuckooing (home taken over)"
    ).check()
    page.get_by_label("Town or area").fill("NB1 2AB")
    click_button(page, "Record notification")
    assert "must not identify the person" in error_summary(page).inner_text()
    assert_accessible(page, "the Duty to Notify form with errors")
    page.get_by_label("Town or area").fill("Fellowfield")
    click_button(page, "Record notification")
    expect_h1(page, "Duty to Notify records")
    assert_accessible(page, "the Duty to Notify records")

    # The supervisor's report: counts, no names
    boss = new_context().new_page()
    sign_in(boss, e2e_server.accounts[SUPERVISOR.username], codes)
    boss.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    boss.get_by_role("link", name="Missing episodes", exact=True).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Missing episodes")
    assert "Pathwaychild" not in boss.content()
    assert_accessible(boss, "the missing episodes report")
