"""A supervisor keeps their agency's training register by keyboard: finds "Training" in the
navigation, sees coverage against the target, records a completion (meeting the error
summary first), and reads their own record under "Your training" (decision 0104). Each page
is checked with axe."""

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

SUPERVISOR = Account(
    "trainingsup", PASSWORD, HUB, ("supervisor",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJU"
)


@pytest.fixture(scope="module")
def supervisor(e2e_server: Server) -> Iterator[Account]:
    e2e_server.add_account(SUPERVISOR, "Tomasz", "Nowak")
    yield SUPERVISOR


def _press(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_a_supervisor_records_training(
    new_context: Any, supervisor: Account, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, supervisor, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Training").click()
    expect_h1(page, "Training")
    expect(page.get_by_role("table", name="Coverage at your agency")).to_be_visible()
    assert_accessible(page, "the training page")

    page.get_by_role("link", name="Record a completion").click()
    _press(page, "Record")
    expect(error_summary(page)).to_contain_text("Choose a course")
    assert_accessible(page, "the record page with errors")
    page.get_by_label("Member of staff").select_option(label="Tomasz Nowak")
    page.get_by_label("Course").select_option(label="Prevent awareness")
    today = datetime.now(ZoneInfo("Europe/London"))
    group = page.get_by_role("group", name="Date completed")
    for part, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        group.get_by_label(part).fill(str(value))
    _press(page, "Record")
    expect_h1(page, "Training")

    page.get_by_role("link", name="Your training").click()
    expect_h1(page, "Your training")
    row = page.get_by_role("row").filter(has_text="Prevent awareness")
    expect(row).to_contain_text("Done")
    assert_accessible(page, "your training")
    page.goto("/training/import/")
    assert_accessible(page, "the training import page")
