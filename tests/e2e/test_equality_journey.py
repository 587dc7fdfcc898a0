"""Equality monitoring in a real browser (decision 0091): a hub caseworker records a child's
sex, gender identity answer and ethnic group from the person page, which says they are for
monitoring only; axe checks the form and the page, and the form is used by keyboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, assert_accessible, tab_to
from tests.e2e.helpers import sign_in_by_keyboard as sign_in
from tests.e2e.test_pathways_journey import UUID, open_case_with_a_child

pytestmark = pytest.mark.browser


def test_recording_equality_details_from_the_person_page(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in(page, e2e_server.accounts["hubworker"], codes)
    open_case_with_a_child(page)
    page.get_by_role("link", name="Riley Pathwaychild").first.click()
    page.wait_for_url(re.compile(rf"/people/{UUID}/$"))
    expect(
        page.get_by_text("For equality monitoring only; never used to assess risk.")
    ).to_be_visible()
    assert_accessible(page, "the person page with its equality section")

    page.get_by_role("link", name=re.compile("^Change equality monitoring details")).click()
    expect(page.get_by_role("heading", level=1, name="Equality monitoring")).to_be_visible()
    assert_accessible(page, "the equality monitoring form")
    page.get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
    page.get_by_label("Ethnic group").select_option("mixed_white_black_caribbean")
    save = page.get_by_role("button", name="Save")
    tab_to(page, save)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/people/{UUID}/$"))
    section = page.locator("#equality + p + dl")
    expect(section).to_contain_text("Female")
    expect(section).to_contain_text("White and Black Caribbean")
    expect(section).to_contain_text("Not recorded")
    assert_accessible(page, "the person page after saving")
