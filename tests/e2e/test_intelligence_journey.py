"""Partner intelligence in a real browser (decision 0097): a teacher submits it (meeting the
error summary first), a police intelligence officer grades it 3x5x2 and writes a sanitised
version, a second officer checks and shares it with the hub, a hub caseworker reads the
sanitised version (never the source), and an outsider asking for it gets 404. Each page is
checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ACCOUNTS, HUB, PASSWORD, POLICE, Server
from tests.e2e.helpers import (
    Account,
    CodeClock,
    assert_accessible,
    error_summary,
    expect_h1,
    sign_in_by_keyboard,
    sign_out,
)
from tests.e2e.test_journeys import click_button, h1

pytestmark = pytest.mark.browser

GRADER = Account(
    "intelgrader", PASSWORD, POLICE, ("intelligence_officer",), "NBSWY3DPNBSWY3DPNBSWY3DPNBSWY3DP"
)
CHECKER = Account(
    "intelchecker", PASSWORD, POLICE, ("intelligence_officer",), "ORSXG5DTORSXG5DTORSXG5DTORSXG5DT"
)
_BY_NAME = {a.username: a for a in ACCOUNTS}
SOURCE = "Mrs Neighbour at number 23 told me on a home visit"


@pytest.fixture(scope="module")
def officers(e2e_server: Server) -> Iterator[tuple[Account, Account]]:
    for account, first in ((GRADER, "Grace"), (CHECKER, "Chris")):
        if account.username not in e2e_server.accounts:
            e2e_server.add_account(account, first, "Intel")
    yield GRADER, CHECKER


def _submit(page: Any) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Intelligence"
    ).first.click()
    expect_h1(page, "Intelligence from my agency")
    assert_accessible(page, "my agency's intelligence")
    page.get_by_role("link", name="Share intelligence").click()
    expect_h1(page, "Share intelligence")
    click_button(page, "Send intelligence")
    assert "Enter what you saw or were told" in error_summary(page).inner_text()
    assert_accessible(page, "the submit form with errors")
    page.get_by_label("What did you see or were you told?").fill(
        "Two older teenagers, not from the area, wait outside the school gates at 3pm and "
        "give Year 9 pupils parcels to carry."
    )
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Someone else told me").check()
    page.get_by_label("Tell us more about how you know it (optional)").fill(SOURCE)
    page.get_by_label("Phone numbers (optional)").fill("0770 12")
    click_button(page, "Send intelligence")
    assert "not a valid UK phone number" in error_summary(page).inner_text()
    page.get_by_label("Phone numbers (optional)").fill("020 7946 0777")
    page.get_by_label("Vehicle registrations (optional)").fill("ab12 cde")
    click_button(page, "Send intelligence")
    expect(page.get_by_text("sent to the intelligence function")).to_be_visible()
    expect(page.get_by_text("Waiting to be graded")).to_be_visible()
    assert_accessible(page, "the report as its submitter sees it")


def _grade_and_sanitise(page: Any) -> None:
    nav = page.get_by_role("navigation", name="Menu")
    nav.get_by_role("link", name="Intelligence to grade").click()
    expect_h1(page, "Intelligence to grade")
    assert_accessible(page, "the grading queue")
    page.get_by_role("link", name="INT-").first.click()
    assert h1(page).startswith("Grade INT-")
    expect(page.get_by_text(SOURCE)).to_be_visible()
    click_button(page, "Save the grade")
    assert "Choose the source evaluation" in error_summary(page).inner_text()
    assert_accessible(page, "the grade form with errors")
    page.get_by_label("2: Untested", exact=True).check()
    page.get_by_label("C: Known indirectly to the source", exact=True).check()
    page.get_by_label("P: Lawful sharing permitted", exact=True).check()
    click_button(page, "Save the grade")
    expect_h1(page, "Write a sanitised version")
    assert_accessible(page, "the sanitise form")
    page.get_by_label("Sanitised text").fill(
        "Young people from outside the area are reported to be giving pupils parcels to "
        "carry near a school at the end of the day."
    )
    page.get_by_label("Vehicle: AB12CDE").check()
    click_button(page, "Save the sanitised version")
    expect(page.get_by_text("another officer must check it")).to_be_visible()
    assert_accessible(page, "the sanitised version awaiting its check")


def _check_and_share(page: Any) -> str:
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Intelligence to grade"
    ).click()
    page.get_by_role("link", name="SAN-").first.click()
    assert h1(page).startswith("Check SAN-")
    assert_accessible(page, "the second check")
    page.get_by_label("Yes: release it to be shared").check()
    click_button(page, "Save the check")
    expect(page.get_by_text("released")).to_be_visible()
    version_url = page.url
    page.get_by_role("link", name="Share with an agency").click()
    page.get_by_label(HUB).check()
    assert_accessible(page, "the share form")
    click_button(page, "Share")
    expect(page.get_by_text(f"shared with {HUB}")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Northbrook exploitation information sharing agreement")
    ).to_be_visible()
    return str(version_url)


def test_intelligence_from_submission_to_a_partner(
    e2e_server: Server, new_context: Any, codes: CodeClock, officers: tuple[Account, Account]
) -> None:
    grader, checker = officers
    page = new_context().new_page()
    sign_in_by_keyboard(page, _BY_NAME["teacher"], codes)
    _submit(page)
    sign_out(page)

    sign_in_by_keyboard(page, grader, codes)
    _grade_and_sanitise(page)
    sign_out(page)

    sign_in_by_keyboard(page, checker, codes)
    version_url = _check_and_share(page)
    sign_out(page)

    sign_in_by_keyboard(page, _BY_NAME["hubworker"], codes)
    page.goto("/intelligence/received/")
    expect_h1(page, "Intelligence shared with my agency")
    assert_accessible(page, "intelligence received")
    page.get_by_role("link", name="SAN-").first.click()
    expect(page.get_by_text("giving pupils parcels to carry")).to_be_visible()
    expect(page.get_by_text("2C P").first).to_be_visible()
    content = page.content()
    assert SOURCE not in content and "Northbrook Academy" not in content
    assert_accessible(page, "a sanitised version as a partner reads it")
    sign_out(page)

    sign_in_by_keyboard(page, _BY_NAME["outsider"], codes)
    response = page.goto(version_url)
    assert response is not None and response.status == 404
