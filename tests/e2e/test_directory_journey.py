"""The services directory in a real browser (decision 0108): a directory editor at a voluntary
agency adds a programme for ages 18 to 30 with levels of support and three months' aftercare,
first with a mistake the error summary names, then correctly; the directory shows it; the
edit page keeps its history. Axe checks each page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import HUB, PASSWORD, Server
from tests.e2e.helpers import Account, CodeClock, assert_accessible, error_summary, expect_h1
from tests.e2e.helpers import sign_in_by_keyboard as sign_in

pytestmark = pytest.mark.browser

EDITOR = Account(
    "directoryed", PASSWORD, HUB, ("directory_editor",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOKA"
)


@pytest.fixture(scope="module")
def editor(e2e_server: Server) -> Iterator[Account]:
    e2e_server.add_account(EDITOR, "Tamsin", "Okafor")
    yield EDITOR


def test_an_editor_adds_a_programme_with_aftercare(
    e2e_server: Server, editor: Account, new_context: Any, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in(page, editor, codes)
    page.goto(e2e_server.url("/directory/"))
    expect_h1(page, "Services directory")
    assert_accessible(page, "the services directory")

    page.get_by_role("link", name="Add a service").click()
    expect_h1(page, "Add a service")
    page.get_by_label("Code").fill("launchpad_programme")
    page.get_by_label("Name").fill("Launchpad programme")
    page.get_by_label("Category").select_option("employment")
    page.get_by_label("Provider", exact=True).fill("Crown Youth Foundation")
    page.get_by_label("What it offers").fill("A course and a route into work.")
    page.get_by_label("Youngest age (optional)").fill("30")
    page.get_by_label("Oldest age (optional)").fill("18")
    page.get_by_role("group", name="consent").get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page)).to_contain_text(
        "The oldest age must be the same as or more than the youngest age"
    )
    assert_accessible(page, "the new service form with an error")

    page.get_by_label("Youngest age (optional)").fill("18")
    page.get_by_label("Oldest age (optional)").fill("30")
    page.get_by_label("Levels of support (optional)").fill("Explore\nAchieve\nDevelop")
    page.get_by_label("Follow-up after (months)").fill("3")
    page.get_by_label("the service completes its work").check()
    page.get_by_label("What the follow-up is").fill("Aftercare ends")
    page.get_by_role("button", name="Save").click()
    expect_h1(page, "Services directory")
    card = page.locator("#service-launchpad_programme")
    expect(card).to_contain_text("Ages 18 to 30; with their consent")
    expect(card).to_contain_text("Aftercare ends: 3 months after the service completes its work")

    card.get_by_role("link", name="Change").click()
    expect_h1(page, "Change a service: Launchpad programme")
    page.get_by_label("Oldest age (optional)").fill("29")
    page.get_by_role("button", name="Save").click()
    expect_h1(page, "Services directory")
    page.goto(e2e_server.url("/directory/launchpad_programme/change/"))
    expect(page.get_by_role("table")).to_contain_text("Oldest age was: 30; became: 29")
    assert_accessible(page, "a service's edit page with its history")
