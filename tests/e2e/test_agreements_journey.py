"""Ending a sharing agreement in a real browser, as an administrator does it
(docs/decisions/0074-ending-agreements.md).

An agreement between the hub and the housing association is recorded with the
administrators' command, so that the journeys' main agreement stays in force for the other
journeys. The administrator opens the partnership page, follows "End" for it, is told what
ending does, leaves the reason blank and is shown the error, then gives one and confirms:
the agreement shows as not in force and no longer offers "End". Each page is checked with axe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import HUB, OUTSIDER_AGENCY, PASSWORD, Server
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

ADMIN = Account("agreementadmin", PASSWORD, HUB, ("admin",), "MZXW6YTBOJUWU23MNU2DKNZYGQ3DMNJZ")
AGREEMENT = "Housing exploitation protocol"


@pytest.fixture(scope="module")
def admin(e2e_server: Server) -> Iterator[Account]:
    """The administrator, and an agreement of their own to end, made with the commands."""
    if ADMIN.username not in e2e_server.accounts:
        e2e_server.add_account(ADMIN, "Agreement", "Admin")
        e2e_server.nestguard(
            "create_sharing_agreement", "--name", AGREEMENT,
            "--party", HUB, "--party", OUTSIDER_AGENCY,
            "--purposes", "Safeguarding tenants at risk of cuckooing",
            "--lawful-basis", "safeguarding_sch1_para18",
            "--starts", "2024-01-01", "--review", "2030-01-01",
        )  # fmt: skip
    yield ADMIN


def test_an_administrator_ends_an_agreement_with_a_reason(
    new_context: Any, admin: Account, codes: CodeClock
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, admin, codes)
    page.goto("/partnership/")
    assert_accessible(page, "the partnership page")
    page.get_by_role("link", name=f"End {AGREEMENT}").click()
    page.wait_for_load_state("load")
    expect_h1(page, f"End {AGREEMENT}")
    assert "takes effect at once" in page.inner_text("main")
    assert_accessible(page, "the confirmation page")
    click_button(page, "End the agreement")
    assert "Say why the agreement is ending" in error_summary(page).inner_text()
    assert_accessible(page, "the confirmation page with an error")
    page.get_by_label("Why is the agreement ending?").fill("The association left the board")
    click_button(page, "End the agreement")
    assert page.url.endswith("/partnership/")
    row = page.get_by_role("row").filter(has_text=AGREEMENT)
    assert "Not in force" in row.inner_text()
    assert row.get_by_role("link", name=f"End {AGREEMENT}").count() == 0
