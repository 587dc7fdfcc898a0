"""A data protection officer works the retention schedule and legal holds in a real browser
(issue 15, decision 0101): signed in by keyboard, opens Retention from the navigation,
changes a rule (meeting the error summary first) and sees its history, places a legal hold
on nothing that exists (the error summary) and opens the disposal review. Each page is
checked with axe."""

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
from tests.e2e.test_journeys import click_button

pytestmark = pytest.mark.browser

OFFICER = Account(
    "retentionofficer",
    PASSWORD,
    HUB,
    ("data_protection_officer",),
    "NRSXE3DJNZTXEZLUMVXHI2LPNZQWY3DP",
)


@pytest.fixture(scope="module")
def officer(e2e_server: Server) -> Iterator[Account]:
    if OFFICER.username not in e2e_server.accounts:
        e2e_server.add_account(OFFICER, "Retention", "Officer")
    yield OFFICER


def test_an_officer_changes_a_rule_and_places_a_hold(
    e2e_server: Server, new_context: Any, codes: CodeClock, officer: Account
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, officer, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Retention").click()
    expect_h1(page, "Retention schedule")
    assert_accessible(page, "the retention schedule")

    page.get_by_role("link", name="Closed case about adults").click()
    page.get_by_label("Period in months").fill("96")
    click_button(page, "Save the new version")
    expect(error_summary(page)).to_contain_text("This field is required")
    assert_accessible(page, "a rule with an error")
    page.get_by_label("Why the rule changes").fill("The 2026 DSA review set eight years")
    click_button(page, "Save the new version")
    expect_h1(page, "Retention schedule")
    page.get_by_role("link", name="Closed case about adults").click()
    expect(page.get_by_role("table")).to_contain_text("The 2026 DSA review set eight years")

    page.goto(e2e_server.url("/retention/holds/"))
    assert_accessible(page, "legal holds")
    page.get_by_label("A case (its reference)").check()
    page.get_by_label("Reference or identifier").fill("CASE-999999")
    page.get_by_label("Litigation or a court order (including CPIA 1996 disclosure)").check()
    page.get_by_label("Reference of the claim, review or request").fill("Claim 12/26")
    click_button(page, "Place the hold")
    expect(error_summary(page)).to_contain_text("No record has this reference")
    assert_accessible(page, "a hold with an error")

    page.get_by_role("link", name="Disposal review").click()
    expect_h1(page, "Disposal review")
    assert_accessible(page, "the disposal review")
