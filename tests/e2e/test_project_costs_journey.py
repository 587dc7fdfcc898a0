"""A partnership manager enters a project's cost on /reports/project-costs/ by keyboard, meets
the error summary for a negative amount and an end before the start, corrects them, sees the
cost listed and subtracted in the project evaluation report; an analyst reads the list
without the form (decision 0092). Each page is checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

MANAGER = Account(
    "costsmanager", PASSWORD, HUB, ("partnership_manager",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR"
)
ANALYST = Account("costsanalyst", PASSWORD, HUB, ("analyst",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJS")


@pytest.fixture(scope="module")
def accounts(e2e_server: Server) -> Iterator[tuple[Account, Account]]:
    e2e_server.add_account(MANAGER, "Owen", "Bradshaw")
    e2e_server.add_account(ANALYST, "Nadia", "Okafor")
    yield MANAGER, ANALYST


def _type_into(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _period(page: Any, which: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=which)
    for part, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(part).focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(value)


def test_a_manager_enters_a_cost_and_an_analyst_reads_it(
    new_context: Any, accounts: tuple[Account, Account], codes: CodeClock
) -> None:
    manager, analyst = accounts
    page = new_context().new_page()
    sign_in_by_keyboard(page, manager, codes)
    page.goto("/reports/project-costs/")
    expect_h1(page, "Project costs")
    assert_accessible(page, "the project costs page")

    _period(page, "Start date", "1", "4", "2025")
    _period(page, "End date", "31", "3", "2025")
    _type_into(page, "Amount in pounds", "-27705")
    page.get_by_role("button", name="Add cost").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The amount must be more than £0")
    expect(summary).to_contain_text("The end date must be the same as or after the start date")
    assert_accessible(page, "the project costs page with errors")

    _period(page, "End date", "31", "3", "2026")
    _type_into(page, "Amount in pounds", "27,705.00")
    page.get_by_role("button", name="Add cost").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    table = page.get_by_role("table", name="Costs entered")
    expect(table).to_contain_text("£27,705.00")
    expect(table).to_contain_text("1 April 2025")
    assert_accessible(page, "the project costs page with a cost")

    # The evaluation report subtracts it, with the formula beside the figure.
    page.goto("/reports/project_evaluation/?from=2025-04-01&to=2026-03-31")
    expect_h1(page, "Project evaluation")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Net saving = tenancies saved \u00d7 £4,659.00")
    expect(main).to_contain_text("\u2212 £27,705.00 = ")
    expect(page.get_by_role("table", name="Project costs in the period")).to_contain_text(
        "27705.00"
    )
    assert_accessible(page, "the project evaluation report")

    reader = new_context().new_page()
    sign_in_by_keyboard(reader, analyst, codes)
    reader.goto("/reports/project-costs/")
    expect(reader.get_by_role("table", name="Costs entered")).to_contain_text("£27,705.00")
    expect(reader.get_by_role("button", name="Add cost")).to_have_count(0)
    assert_accessible(reader, "the project costs page, read only")
