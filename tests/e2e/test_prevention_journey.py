"""A housing caseworker works the prevention list in a real browser (decision 0090).

The housing association's signals arrive by `nestguard import_housing_signals`, the week's
list is built by `nestguard build_prevention_list`, and the caseworker, signed in by
keyboard, opens the list from the navigation, opens the entry with the signals that put it
there, meets the error summary, and records a visit. Each page is checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import OUTSIDER_AGENCY, PASSWORD, Server
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

WORKER = Account(
    "tenancyworker",
    PASSWORD,
    OUTSIDER_AGENCY,
    ("caseworker",),
    "MJUXILTMPEXG64TLMJUXILTMPEXG64TL",
)
REGISTER = """uprn,address_line1,address_line2,town,postcode,easting,northing,latitude,\
longitude,ward,tenure,landlord
990000000905,12 Weaver Court,,Northbrook,NB6 9WC,403500,398500,,,Lanterns,housing_association,\
Elsewhere Housing Association
"""


@pytest.fixture(scope="module")
def worker(e2e_server: Server) -> Iterator[Account]:
    if WORKER.username not in e2e_server.accounts:
        e2e_server.add_account(WORKER, "Tenancy", "Worker")
    yield WORKER


def test_a_housing_caseworker_records_a_visit(
    e2e_server: Server, new_context: Any, codes: CodeClock, worker: Account, tmp_path: Path
) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    e2e_server.nestguard("import_addresses", str(register))
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    days = [monday - timedelta(days=n) for n in (2, 5, 9)]
    signals = tmp_path / "signals.csv"
    signals.write_text(
        "uprn,signal,observed_on,amount,notes\n"
        f"990000000905,key_or_fob_request,{days[0]},,Fourth fob\n"
        f"990000000905,key_or_fob_request,{days[2]},,\n"
        f"990000000905,visitor_complaint,{days[1]},,Callers through the night\n",
        encoding="utf-8",
    )
    received = e2e_server.nestguard(
        "import_housing_signals", str(signals), "--agency", OUTSIDER_AGENCY
    )
    assert "3 signal(s) received" in received
    assert "1 new" in e2e_server.nestguard("build_prevention_list")

    page = new_context().new_page()
    sign_in_by_keyboard(page, worker, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Prevention list").click()
    expect_h1(page, "Prevention list")
    assert_accessible(page, "the prevention list")

    page.get_by_role("link", name="12 Weaver Court, Northbrook, NB6 9WC").first.click()
    expect_h1(page, "12 Weaver Court, Northbrook, NB6 9WC")
    expect(page.get_by_role("cell", name="Key or fob request").first).to_be_visible()
    expect(page.get_by_text("Callers through the night")).to_be_visible()
    assert_accessible(page, "a prevention list entry")

    click_button(page, "Record what you did")
    assert "Choose what you did" in error_summary(page).inner_text()
    assert_accessible(page, "the entry with errors")

    page.get_by_label("Visited").check()
    page.get_by_label("Note").fill("Tenant at home; the fobs were lost, not lent. No callers.")
    click_button(page, "Record what you did")
    expect(page.get_by_text("What you did is recorded")).to_be_visible()
    expect(page.get_by_text("Tenant at home; the fobs were lost")).to_be_visible()
    assert_accessible(page, "the entry after a visit was recorded")
