"""A data protection officer keeps the breach log by keyboard: finds "Data protection" in the
navigation, records a breach (meeting the error summary first), sees its ICO clock, assesses
it, records that the ICO was told, and reads the record of processing and the DPIA generated
from the system (decision 0103). Each page is checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
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

OFFICER = Account(
    "breachofficer", PASSWORD, HUB, ("data_protection_officer",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJT"
)


@pytest.fixture(scope="module")
def officer(e2e_server: Server) -> Iterator[Account]:
    e2e_server.add_account(OFFICER, "Priya", "Raman")
    yield OFFICER


def _type_into(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _date(page: Any, which: str, moment: datetime) -> None:
    group = page.get_by_role("group", name=which)
    for part, value in (("Day", moment.day), ("Month", moment.month), ("Year", moment.year)):
        group.get_by_label(part).focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))


def _press(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def _choose(page: Any, group: str, option: str) -> None:
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def test_an_officer_records_and_reports_a_breach(
    new_context: Any, officer: Account, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, officer, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Data protection").click()
    expect_h1(page, "Data protection records")
    assert_accessible(page, "the data protection records page")

    page.get_by_role("link", name="Breach log").click()
    expect_h1(page, "Breach log")
    assert_accessible(page, "the breach log")
    page.get_by_role("link", name="Record a breach").click()
    _press(page, "Record the breach")
    expect(error_summary(page)).to_contain_text("Enter a summary")
    assert_accessible(page, "the new breach page with errors")

    now = datetime.now(ZoneInfo("Europe/London"))
    _type_into(page, "Summary", "Referral emailed to the wrong school")
    _type_into(page, "What happened", "Sent to a school with a similar name; recalled.")
    _type_into(page, "The data involved", "A child's name and the concern")
    _date(page, "Date you became aware", now)
    _type_into(page, "Time you became aware", "00:00")
    _press(page, "Record the breach")
    expect_h1(page, "Referral emailed to the wrong school")
    expect(page.get_by_text("Due", exact=False).first).to_be_visible()
    assert_accessible(page, "a breach's page")

    _choose(
        page,
        "How likely is it to harm people's rights and freedoms?",
        "A high risk to people's rights and freedoms",
    )
    _type_into(page, "Why", "The family could be identified by those exploiting the child")
    _choose(page, "Report it to the ICO?", "No")
    _choose(page, "Tell the people affected?", "Yes")
    _press(page, "Record the assessment")
    expect(error_summary(page)).to_contain_text("must be reported to the ICO")
    assert_accessible(page, "a breach's page with errors")
    _choose(page, "Report it to the ICO?", "Yes")
    _press(page, "Record the assessment")

    _choose(page, "Who was told?", "The Information Commissioner's Office")
    _date(page, "Date they were told", now)
    _type_into(page, "Time they were told", f"{now:%H:%M}")
    _type_into(page, "ICO reference (optional)", "IC-2026-001")
    _press(page, "Record who was told")
    expect(page.get_by_text("(reference IC-2026-001)")).to_be_visible()

    page.goto("/data-protection/record-of-processing/")
    expect_h1(page, "Record of processing activities")
    expect(page.get_by_text("See the retention schedule").first).to_be_visible()
    assert_accessible(page, "the record of processing")
    page.goto("/data-protection/impact-assessment/")
    expect_h1(page, "Data protection impact assessment")
    assert_accessible(page, "the DPIA")
