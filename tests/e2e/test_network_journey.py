"""A police intelligence officer works the network in a real browser (decisions 0098, 0099).

A deal line is marked by the officer through the service (`nestguard shell -c`, the same
write path the page uses); the officer, signed in by keyboard, opens the network from the
navigation, the line's deal-line page, the network of its number (the chart drawn by
Cytoscape.js under the CSP, and the same network in tables), meets the error summary on a
link by hand, and adds one. Each page is checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, POLICE, Server
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

ANALYST = Account(
    "intelofficer",
    PASSWORD,
    POLICE,
    ("intelligence_officer",),
    "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
)
MARK = (
    "from nestguard.accounts.models import User;"
    "from nestguard.network.services.objects import phone_mark_line;"
    "phone_mark_line(actor=User.objects.get(username='intelofficer'), number='07700 900555',"
    " line_name='Journey', origin_area='Liverpool', note='Force intelligence', grade='1B')"
)


@pytest.fixture(scope="module")
def officer(e2e_server: Server) -> Iterator[Account]:
    if ANALYST.username not in e2e_server.accounts:
        e2e_server.add_account(ANALYST, "Ina", "Telford")
    yield ANALYST


def test_an_intelligence_officer_follows_a_deal_line(
    e2e_server: Server, new_context: Any, codes: CodeClock, officer: Account
) -> None:
    e2e_server.nestguard("shell", "-c", MARK)
    page = new_context().new_page()
    sign_in_by_keyboard(page, officer, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Network").click()
    expect_h1(page, "Network")
    assert_accessible(page, "the network's start")

    page.get_by_role("link", name="Journey", exact=True).click()
    expect_h1(page, "Journey")
    expect(page.get_by_text("Liverpool")).to_be_visible()
    assert_accessible(page, "the deal-line page")

    page.get_by_role("link", name="+447700900555").click()
    expect_h1(page, "07700 900555")
    expect(page.get_by_role("table").filter(has_text="deal line").first).to_be_visible()
    network_url = page.url
    assert_accessible(page, "the network of a number")

    page.get_by_role("link", name="Add a link by hand").click()
    click_button(page, "Add the link")
    expect(error_summary(page)).to_contain_text("Enter where this link comes from")
    assert_accessible(page, "the link form with errors")
    today = timezone.localdate()
    page.get_by_label("Vehicle registration mark").fill("NB26 JRN")
    page.get_by_label("How they are linked").select_option("seen_with")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Where this link comes from").fill("ANPR read near the deal line's handset")
    click_button(page, "Add the link")
    expect_h1(page, "07700 900555")
    expect(page.get_by_role("cell", name="NB26JRN").first).to_be_visible()
    assert_accessible(page, "the network after a link by hand")

    # Under the real CSP (self only: no CDN, no inline script), Cytoscape.js draws the chart.
    strict = new_context(bypass_csp=False).new_page()
    errors: list[str] = []
    strict.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_by_keyboard(strict, officer, codes)
    strict.goto(network_url)
    expect(strict.locator("[data-ng-network] canvas").first).to_be_attached()
    assert not errors, errors
