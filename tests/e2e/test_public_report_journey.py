"""A resident reports the signs of cuckooing without signing in, in a real browser, with and
without JavaScript; the hub's triage worker finds it and decides (decision 0100). Each page
is checked with axe, and the browser holds no cookie but CSRF's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ACCOUNTS, Server
from tests.e2e.helpers import (
    CodeClock,
    assert_accessible,
    error_summary,
    expect_h1,
    sign_in_by_keyboard,
)
from tests.e2e.test_journeys import click_button, h1

pytestmark = pytest.mark.browser

HUBWORKER = next(a for a in ACCOUNTS if a.username == "hubworker")


def _fill(page: Any, street: str) -> None:
    today = timezone.localdate()
    page.get_by_label("People coming and going at all hours").check()
    page.get_by_label("Tell us what you saw or heard").fill("Cars outside late every night.")
    page.get_by_label("Building and street (optional)").fill(street)
    page.locator("input[name=postcode]").fill("nb1 2ab")
    page.locator("input[name=seen_on_day]").fill(str(today.day))
    page.locator("input[name=seen_on_month]").fill(str(today.month))
    page.locator("input[name=seen_on_year]").fill(str(today.year))
    page.get_by_label("Your name (optional)").fill("A Neighbour")


def _cookie_names(context: Any) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


def test_a_resident_reports_and_the_hub_decides(
    e2e_server: Server, new_context: Any, browser: Any, codes: CodeClock
) -> None:
    context = new_context()
    page = context.new_page()
    page.goto("/report-exploitation/")
    expect_h1(page, "Tell us about signs of cuckooing or exploitation")
    expect(page.get_by_text("call 999")).to_be_visible()
    assert_accessible(page, "the public report form")

    click_button(page, "Send report")
    assert "Enter the postcode of the place" in error_summary(page).inner_text()
    assert_accessible(page, "the public report form with errors")

    _fill(page, "31 Journey Road")
    click_button(page, "Send report")
    expect_h1(page, "Report sent")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"PR-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    assert_accessible(page, "the thank-you page")
    assert _cookie_names(context) <= {"csrftoken"}

    # Without JavaScript the form works the same.
    plain = browser.new_context(
        base_url=e2e_server.base_url, java_script_enabled=False, locale="en-GB"
    )
    try:
        quiet = plain.new_page()
        quiet.goto("/report-exploitation/")
        _fill(quiet, "33 Journey Road")
        click_button(quiet, "Send report")
        assert h1(quiet) == "Report sent"
        assert _cookie_names(plain) <= {"csrftoken"}
    finally:
        plain.close()

    staff = new_context().new_page()
    sign_in_by_keyboard(staff, HUBWORKER, codes)
    staff.goto("/referrals/triage/")
    staff.get_by_role("link", name="triage public reports").click()
    assert h1(staff) == "Public reports awaiting triage"
    assert_accessible(staff, "the public reports queue")
    staff.get_by_role("link", name=reference).click()
    assert h1(staff) == reference
    expect(staff.get_by_text("A Neighbour")).to_be_visible()
    assert_accessible(staff, "a public report")
    staff.get_by_label("Reject: no action (say why)").check()
    click_button(staff, "Save decision")
    assert "Explain why you are rejecting the report" in error_summary(staff).inner_text()
    assert_accessible(staff, "a public report with errors")
    staff.get_by_label("Accept: the partnership will act on this report").check()
    click_button(staff, "Save decision")
    assert h1(staff) == "Public reports awaiting triage"
    expect(staff.get_by_role("link", name=reference)).to_have_count(0)
