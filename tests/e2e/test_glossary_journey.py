"""The lexicon in a real browser (decision 0106): the referral start page explains
cuckooing where it first appears; a worker opens the explanation by keyboard, follows it to
the glossary, and axe checks both pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, assert_accessible, tab_to
from tests.e2e.helpers import sign_in_by_keyboard as sign_in

pytestmark = pytest.mark.browser


def test_a_term_explained_where_it_appears_and_in_the_glossary(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in(page, e2e_server.accounts["hubworker"], codes)
    page.goto(e2e_server.url("/referrals/start/"))
    summary = page.get_by_text("What cuckooing means")
    expect(summary).to_be_visible()
    definition = page.get_by_text(re.compile("^Criminals taking over a vulnerable person"))
    expect(definition).to_be_hidden()
    tab_to(page, page.locator("summary", has_text="What cuckooing means"))
    page.keyboard.press("Enter")
    expect(definition).to_be_visible()
    assert_accessible(page, "the referral start page with a term explained")

    page.get_by_role("link", name="Cuckooing in the glossary").click()
    page.wait_for_url(re.compile(r"/glossary/#term-cuckooing$"))
    expect(page.get_by_role("heading", level=1, name="Glossary")).to_be_visible()
    expect(page.locator("#term-closure-order")).to_contain_text("magistrates' court")
    assert_accessible(page, "the glossary")
