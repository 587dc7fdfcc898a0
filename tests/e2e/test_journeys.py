"""The spine of Nestguard in a real browser, as its users walk it.

A teacher makes a referral through the task list; a hub caseworker triages it from the
queue and accepts it; opens the case, assesses the risk, records an intervention and closes
the case with an outcome; the teacher sees the outcome of their referral; a caseworker of an
agency outside the sharing agreement gets 404 on the case. axe checks every page on the way.

Pages are driven by their labels and roles, as a screen-reader user would find them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import (
    REPO,
    CodeClock,
    assert_accessible,
    expect_h1,
    sign_in_by_keyboard,
    tab_to,
)

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def click_button(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def open_task(page: Any, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("load")


def h1(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text()).strip()


def make_referral(page: Any) -> tuple[str, str]:
    """The teacher's referral, section by section from the task list. → (id, reference)."""
    page.goto("/referrals/start/")
    expect_h1(page, "Make a referral")
    assert_accessible(page, "the start page of a referral")
    click_button(page, "Start now")
    page.wait_for_url(re.compile(rf"/referrals/{UUID}/tasks/$"))
    referral_id = re.search(UUID, page.url).group(0)  # type: ignore[union-attr]
    assert_accessible(page, "the referral task list")

    open_task(page, "Your details")
    assert_accessible(page, "the 'Your details' page")
    page.get_by_label("Your job title").fill("Designated safeguarding lead")
    page.get_by_label("Telephone number").fill("01632 960 123")
    click_button(page, "Save and continue")

    open_task(page, "People of concern")
    expect_h1(page, "Add a person of concern")
    assert_accessible(page, "the 'Add a person of concern' page")
    page.get_by_role("group", name="What is their part in this?").get_by_label(
        "Person at risk"
    ).check()
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Examplechild")
    page.get_by_label("Other names they are known by").fill("JJ")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("14")
    born.get_by_label("Month").fill("2")
    born.get_by_label("Year").fill("2011")
    page.get_by_label("Description").fill("Year 9 pupil; new phones and clothes since January.")
    click_button(page, "Save person")
    expect_h1(page, "You have added 1 person")
    assert_accessible(page, "the list of people of concern")
    page.get_by_role("group", name="Do you need to add another person?").get_by_label("No").check()
    click_button(page, "Continue")

    open_task(page, "Address")
    assert_accessible(page, "the address page")
    page.get_by_label("Address line 1").fill("14 Testing Street")
    page.get_by_label("Town or city").fill("Northbrook")
    page.get_by_label("Postcode").fill("NB1 2AB")
    click_button(page, "Save and continue")

    open_task(page, "Concerns and signs")
    assert_accessible(page, "the concern types page")
    page.get_by_label("Child criminal exploitation").check()
    page.get_by_label("County lines").check()
    click_button(page, "Continue")
    expect_h1(page, "Signs you have seen")
    assert_accessible(page, "the signs page")
    signs = page.get_by_role("group", name="Which signs did you see?").get_by_role("checkbox")
    assert signs.count() > 0, "no signs offered for the concerns chosen"
    signs.first.check()
    page.get_by_label("What did you see or hear?").fill(
        "Missing from school three times this half term; picked up by cars after school."
    )
    click_button(page, "Save and continue")

    open_task(page, "Urgency")
    assert_accessible(page, "the urgency page")
    page.get_by_label(re.compile(r"^High")).check()
    click_button(page, "Save and continue")

    open_task(page, "Lawful basis and consent")
    assert_accessible(page, "the lawful basis and consent page")
    page.get_by_label(re.compile(r"^Safeguarding of children and individuals at risk")).check()
    page.get_by_label("No, consent was not sought").check()
    page.get_by_label("Asking would put the person's protection at risk").check()
    click_button(page, "Save and continue")

    expect(page.get_by_text("You have completed 6 of 6 sections")).to_be_visible()
    open_task(page, "Check your answers and send")
    expect_h1(page, "Check your answers before sending your referral")
    expect(page.get_by_text("Examplechild").first).to_be_visible()
    assert_accessible(page, "the check your answers page")
    click_button(page, "Accept and send")
    expect_h1(page, "Referral sent")
    assert_accessible(page, "the confirmation page")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    return referral_id, reference


def triage_and_accept(page: Any, reference: str) -> str:
    """The hub caseworker finds the referral in the queue and accepts it. → the case URL."""
    page.goto("/referrals/triage/")
    expect_h1(page, "Triage queue")
    assert_accessible(page, "the triage queue")
    page.get_by_role("link", name=reference).click()
    expect_h1(page, f"Referral {reference}")
    expect(page.get_by_text("Examplechild").first).to_be_visible()
    assert_accessible(page, "the referral as triage reads it")
    page.get_by_role("button", name="Make a triage decision").click()
    expect_h1(page, "Make a triage decision")
    assert_accessible(page, "the triage decision page")
    # By keyboard alone: Tab to the decision, Space to choose it, type the reason, Enter.
    accept = page.get_by_label("Accept and open a case")
    tab_to(page, accept)
    page.keyboard.press("Space")
    assert accept.is_checked()
    tab_to(page, page.get_by_label(re.compile("^Reason")))
    page.keyboard.type("Clear CCE indicators and repeat missing episodes: open a case.")
    tab_to(page, page.get_by_role("button", name="Record decision"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/cases/{UUID}/$"))
    return str(page.url)


def work_the_case(page: Any, case_url: str) -> dict[str, str]:
    """Assess the risk, record an intervention, close with an outcome. → person/address URLs."""
    page.goto(case_url)
    reference = h1(page).split()[0]
    assert reference.startswith("CASE-"), h1(page)
    assert_accessible(page, "the case page")
    people = page.get_by_role("heading", name="People", exact=True)
    expect(people).to_be_visible()
    person_url = link_href(page, "Examplechild")
    address_url = link_href(page, "14 Testing Street")
    assert person_url and address_url, "the case page should link its person and address"

    # Risk, with the child criminal exploitation tool: every item answered, the band shown.
    page.get_by_role("link", name="Assess risk", exact=True).first.click()
    expect_h1(page, "Assess risk")
    assert_accessible(page, "the choice of risk tool")
    page.get_by_label(re.compile("^Child criminal exploitation")).check()
    click_button(page, "Continue")
    assert_accessible(page, "the risk assessment form")
    tool = json.loads((REPO / "nestguard/risk/instruments/cce_child-v1.json").read_text())
    for item in tool["items"]:
        group = page.get_by_role("group", name=item["label"], exact=True)
        group.get_by_role("radio").nth(2).check()  # "significant" on every item
    click_button(page, "Record assessment")
    page.wait_for_url(re.compile(rf"/risk/assessments/{UUID}/"))
    expect(page.get_by_text(re.compile("High|Medium|Low")).first).to_be_visible()
    assert_accessible(page, "a recorded risk assessment")

    # An intervention, owned by the caseworker.
    page.goto(case_url)
    page.get_by_role("link", name="Record an intervention").click()
    expect_h1(page, "Record an intervention")
    assert_accessible(page, "the intervention form")
    page.get_by_label("Safety plan").check()
    owner = page.get_by_label("Owner")
    owner.select_option(label=_option(owner, "Hubworker"))
    start = page.get_by_role("group", name="Start date")
    today = dt.date.today()
    start.get_by_label("Day").fill(str(today.day))
    start.get_by_label("Month").fill(str(today.month))
    start.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Notes").fill("Safety plan agreed with the family and the school.")
    click_button(page, "Record intervention")
    page.wait_for_url(case_url)
    expect(page.get_by_role("cell", name="Safety plan").first).to_be_visible()

    # Close with an outcome, cancelling the open intervention as it closes.
    page.get_by_role("link", name="Close the case").click()
    expect_h1(page, "Close the case")
    assert_accessible(page, "the close the case page")
    page.get_by_label("Target hardening and wrap-around support").check()
    page.get_by_label(re.compile("^Positively resolved")).check()
    page.get_by_label("Closing summary").fill(
        "Safety plan in place; Jordan back in school full time and no missing episodes."
    )
    page.get_by_label(re.compile("^Cancel the open interventions")).check()
    click_button(page, "Close case")
    page.wait_for_url(case_url)
    assert "Closed" in h1(page)
    assert_accessible(page, "a closed case")
    return {"person": person_url, "address": address_url, "reference": reference}


def link_href(page: Any, text: str) -> str:
    link = page.get_by_role("link", name=re.compile(re.escape(text))).first
    return str(link.get_attribute("href"))


def _option(select: Any, text: str) -> str:
    """The label of the first option of a select that contains `text`."""
    labels = select.locator("option").all_inner_texts()
    return next(label for label in labels if text in label)


def test_referral_to_closed_case(e2e_server: Server, new_context: Any, codes: CodeClock) -> None:
    teacher = new_context().new_page()
    sign_in_by_keyboard(teacher, e2e_server.accounts["teacher"], codes)
    referral_id, reference = make_referral(teacher)

    teacher.goto(f"/referrals/{referral_id}/status/")
    assert_accessible(teacher, "the referrer's status page")

    hub = new_context().new_page()
    sign_in_by_keyboard(hub, e2e_server.accounts["hubworker"], codes)
    case_url = triage_and_accept(hub, reference)
    found = work_the_case(hub, case_url)
    hub.goto(found["person"])
    assert "Examplechild" in h1(hub)
    assert_accessible(hub, "the person page")
    hub.goto(found["address"])
    assert "14 Testing Street" in h1(hub)
    assert_accessible(hub, "the address page")

    # The teacher sees the outcome of the referral, and nothing of the case.
    teacher.goto(f"/referrals/{referral_id}/status/")
    outcome = teacher.get_by_role("definition").filter(has_text="Accepted")
    expect(outcome.first).to_be_visible()
    expect(teacher.get_by_text("Clear CCE indicators and repeat missing episodes")).to_be_visible()
    assert found["reference"] not in teacher.content()
    assert "back in school full time" not in teacher.content()
    assert_accessible(teacher, "the referrer's status page with the outcome")
    # A referrer's roles do not reach case pages at all (403: the page's existence is no
    # secret); a caseworker outside the case's agreement gets 404, as if it did not exist.
    assert teacher.goto(case_url).status == 403

    outsider = new_context().new_page()
    sign_in_by_keyboard(outsider, e2e_server.accounts["outsider"], codes)
    assert outsider.goto(case_url).status == 404
    assert outsider.goto(f"/referrals/{referral_id}/").status == 404
    assert outsider.goto(found["person"]).status == 404
    assert outsider.goto(found["address"]).status == 404
