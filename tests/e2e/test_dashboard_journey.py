"""The partnership dashboard in a real browser (decision 0093).

An administrator loads the wards' outlines with `nestguard import_ward_boundaries`; an analyst
signs in by keyboard, follows the Dashboard link, changes the period, sees the ward map drawn
with no tile server, tabs through its key and picks a colour with the keyboard, and meets the
error summary for a period that ends before it starts. axe checks every state of the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import HUB, PASSWORD, Server
from tests.e2e.helpers import (
    Account,
    CodeClock,
    assert_accessible,
    is_focused,
    sign_in_by_keyboard,
    tab_to,
)

pytestmark = pytest.mark.browser

ANALYST = Account("analyst", PASSWORD, HUB, ("analyst",), "GAYTEMZUGU3DOOBZGAYTEMZUGU3DOOBZ")


def _square(e: int, n: int) -> list[list[list[int]]]:
    return [[[e, n], [e + 2000, n], [e + 2000, n + 2000], [e, n + 2000], [e, n]]]


WARDS = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
    "features": [
        {"type": "Feature", "properties": {"name": name},
         "geometry": {"type": "Polygon", "coordinates": _square(401000 + 2000 * i, 396000)}}
        for i, name in enumerate(("Lanterns", "Hilltop", "Riverside"))
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def analyst(e2e_server: Server) -> Iterator[Account]:
    e2e_server.add_account(ANALYST, "Ana", "Lyst")
    yield ANALYST


def type_date(page: Any, group_name: str, day: int, month: int, year: int) -> None:
    """Into the day, month and year boxes by keyboard."""
    group = page.get_by_role("group", name=group_name)
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        field = group.get_by_label(label)
        tab_to(page, field, limit=80)
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))


def test_the_dashboard_journey(
    e2e_server: Server, new_context: Any, codes: CodeClock, analyst: Account, tmp_path: Path
) -> None:
    outlines = tmp_path / "wards.geojson"
    outlines.write_text(json.dumps(WARDS), encoding="utf-8")
    assert "created" in e2e_server.nestguard("import_ward_boundaries", str(outlines))

    page = new_context().new_page()
    sign_in_by_keyboard(page, analyst, codes)
    link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard")
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership dashboard")
    expect(page.get_by_role("img", name="Referrals by month")).to_be_visible()
    assert_accessible(page, "the dashboard")

    # A different period, typed and submitted with the keyboard.
    type_date(page, "First day", 1, 1, 2026)
    type_date(page, "Last day", 30, 6, 2026)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"from_day=1&from_month=1&from_year=2026"))
    expect(page.get_by_text("from 1 January 2026 to 30 June 2026")).to_be_visible()

    # The ward map: the outlines drawn, and no tile asked for.
    ward_map = page.locator("[data-ng-ward-map]")
    expect(ward_map).to_have_attribute("data-ready", "true")
    expect(ward_map.locator("path.leaflet-interactive")).to_have_count(3)
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    assert_accessible(page, "the dashboard with its ward map")

    # The key, by keyboard: each colour a button that outlines its wards.
    keys = page.locator(".ng-legend__item")
    first = keys.first
    tab_to(page, first, limit=120)
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Tab")
    assert is_focused(keys.nth(1)), "Tab from one colour of the key should reach the next"
    page.keyboard.press("Space")
    expect(keys.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(first).to_have_attribute("aria-pressed", "false")
    assert_accessible(page, "the dashboard with a colour of the key chosen")

    # A period that ends before it starts: the error summary, and no figures.
    type_date(page, "First day", 1, 6, 2026)
    type_date(page, "Last day", 1, 5, 2026)
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The end date must be on or after the start date")
    expect(page.get_by_role("img")).to_have_count(0)
    assert_accessible(page, "the dashboard's error summary")
