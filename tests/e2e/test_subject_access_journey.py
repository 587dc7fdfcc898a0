"""A data protection officer answers a subject access request in a real browser (issue 15,
decision 0102): from the navigation to the person, the request logged with its clock (and
the error summary first), the search across apps, a redaction citing an exemption, and the
report of who has read the person's records. axe checks every page.

The person is made through the services, as earlier work would have made them: a hub case
with Sam Accessperson as its subject and a note about them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import HUB, PASSWORD, Server
from tests.e2e.helpers import (
    Account,
    CodeClock,
    assert_accessible,
    error_summary,
    expect_h1,
    sign_in_by_keyboard,
)

pytestmark = pytest.mark.browser

DPO = Account(
    "dpofficer", PASSWORD, HUB, ("data_protection_officer",), "KRUGS4ZANFZSA5DIMUQGIZLQN5ZXI3DP"
)

SETUP = """
from nestguard.accounts.models import User
from nestguard.cases.services.work import case_note_add
from nestguard.cases.tests.conftest import add_person, make_case

hub = User.objects.get(username="hubworker")
case = make_case(hub, summary="Visitors at all hours at a first floor flat")
add_person(hub, case, given_name="Sam", family_name="Accessperson")
case_note_add(actor=hub, case=case, text="Sam says a cousin, Casey Otherperson, has the keys.")
"""


@pytest.fixture(scope="module")
def dpo(e2e_server: Server) -> Iterator[Account]:
    if DPO.username not in e2e_server.accounts:
        e2e_server.add_account(DPO, "Dana", "Officer")
        e2e_server.nestguard("shell", "-c", SETUP)
    yield DPO


def _h1(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text()).strip()


def test_a_dpo_logs_searches_and_redacts_a_subject_access_request(
    new_context: Any, codes: CodeClock, dpo: Account
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, dpo, codes)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Data subjects' rights"
    ).click()
    expect_h1(page, "Data subjects' rights")
    page.get_by_role("button", name="Search").click()
    expect(error_summary(page)).to_contain_text("Enter a given name or a family name")
    assert_accessible(page, "the rights index with an error")
    page.get_by_label("Family name").fill("Accessperson")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Sam Accessperson").click()
    expect_h1(page, "Sam Accessperson")
    assert_accessible(page, "the person's rights page")

    page.get_by_role("button", name="Log the request").click()
    expect(error_summary(page)).to_contain_text("Enter the date the request was received")
    assert_accessible(page, "the person's rights page with an error")
    today = timezone.localdate()
    dates = page.get_by_role("group", name="When was the request received?")
    dates.get_by_label("Day").fill(str(today.day))
    dates.get_by_label("Month").fill(str(today.month))
    dates.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Accessperson")
    expect(page.get_by_text("(one calendar month)")).to_be_visible()

    page.get_by_role("button", name="Search every app and agency").click()
    expect(page.get_by_text("Casey Otherperson")).to_be_visible()
    assert_accessible(page, "the request under review")
    card = page.locator(".govuk-summary-card", has_text="Casey Otherperson")
    card.get_by_label("Part to withhold").select_option("Text")
    card.get_by_label("Exemption relied on").select_option("third_party")
    card.get_by_role("button", name="Mark for redaction").click()
    expect(page.locator(".govuk-tag", has_text="Withheld")).to_be_visible()
    assert_accessible(page, "the request with a redaction")

    page.get_by_role("link", name="Back to Sam Accessperson").click()
    page.get_by_role("link", name="Who has read or changed their records").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Accessperson")
    assert_accessible(page, "the report of access")
