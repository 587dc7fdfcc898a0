"""Choosing how to be told by email, in a real browser (docs/decisions/0085-notifications.md).

The police officer follows "Email notifications" beside "Sign out", finds the daily summary
chosen (the default), chooses an email for each item with the keyboard and saves; the page
says so and keeps the choice. Each page is checked with axe."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ACCOUNTS
from tests.e2e.helpers import CodeClock, assert_accessible, expect_h1, sign_in_by_keyboard
from tests.e2e.test_journeys import click_button

pytestmark = pytest.mark.browser

OFFICER = next(a for a in ACCOUNTS if a.username == "officer")


def test_a_user_chooses_an_email_for_each_item(new_context: Any, codes: CodeClock) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, OFFICER, codes)
    page.get_by_role("link", name="Email notifications").click()
    page.wait_for_load_state("load")
    expect_h1(page, "Email notifications")
    assert_accessible(page, "the email notifications page")
    daily = page.get_by_label("Once a day, in a morning summary")
    immediate = page.get_by_label("Immediately, one email for each")
    assert daily.is_checked() and not immediate.is_checked()

    daily.focus()
    page.keyboard.press("ArrowUp")  # radios move with the arrow keys
    assert immediate.is_checked()
    click_button(page, "Save")
    assert "Your email notification choice has been saved" in page.inner_text("main")
    assert page.get_by_label("Immediately, one email for each").is_checked()
    assert_accessible(page, "the saved choice")
