"""The enforcement ladder in a real browser: from a repeat-address alert through a CPW, a CPN
and a partial closure order to the deadlines view and the court chronology.

The start of the story is made through the services, as earlier work would have made it: the
register holds 9 Ladder Court; a teacher's referral about the adult living there became a
hub case with the police on its team; police intelligence and an incident reported there
raised a repeat-address alert. A police disruption officer then works it in the browser,
by labels and roles, and axe checks every page (and a form showing its errors).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from nestguard.core.calendar import UK
from tests.e2e.conftest import Server
from tests.e2e.helpers import (
    CodeClock,
    assert_accessible,
    error_summary,
    expect_h1,
    sign_in_by_keyboard,
)

pytestmark = pytest.mark.browser

ADDRESS = "9 Ladder Court"
PERSON = "Robin Laddersubject"

SETUP = """
from nestguard.accounts.models import User
from nestguard.cases.models import Case
from nestguard.cases.services.work import case_team_add_agency
from nestguard.enforcement.tests.world import make_referral
from nestguard.places.models import Address
from nestguard.places.services.repeats import address_report_record
from nestguard.referrals import services as referrals
from django.utils import timezone

teacher = User.objects.get(username="teacher")
hub = User.objects.get(username="hubworker")
officer = User.objects.get(username="officer")
referral = make_referral(teacher, family_name="Laddersubject", line1="9 Ladder Court")
referral = referrals.referral_triage(
    actor=hub, referral=referral, decision="accept", reason="Cuckooing: open a case"
)
referral.refresh_from_db()
case = Case.objects.get(pk=referral.case_id)
case_team_add_agency(actor=hub, case=case, agency=officer.agency)
address = Address.objects.get(uprn="770000042001")
for kind, text in [
    ("partner_intelligence", "Known county line runners seen entering"),
    ("incident", "Disturbance at the door at 02:00"),
    ("partner_intelligence", "Drug paraphernalia in the shared stairwell"),
]:
    address_report_record(
        actor=officer, address=address, kind=kind, occurred_on=timezone.localdate(), summary=text
    )
"""


def _setup(server: Server, tmp: Path) -> None:
    register = tmp / "register.csv"
    register.write_text(
        "uprn,address_line1,address_line2,town,postcode,easting,northing,latitude,longitude,"
        "ward,tenure,landlord\n"
        "770000042001,9 Ladder Court,,Northbrook,NB1 2AB,383000,398000,,,Brookside,council,"
        "Northbrook Council\n",
        encoding="utf-8",
    )
    server.nestguard("import_addresses", str(register))
    server.nestguard("shell", "-c", SETUP)


def menu(page: Any) -> Any:
    return page.get_by_role("navigation", name="Menu")


def h1(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text()).strip()


def fill_date(page: Any, group: str, day: dt.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def submit(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")


def test_from_a_repeat_address_alert_to_a_partial_closure_order(
    e2e_server: Server, new_context: Any, codes: CodeClock, tmp_path: Path
) -> None:
    _setup(e2e_server, tmp_path)
    page = new_context().new_page()
    sign_in_by_keyboard(page, e2e_server.accounts["officer"], codes)
    now = dt.datetime.now(UK)

    # The repeat-address queue, the alert, the address page, its enforcement record.
    menu(page).get_by_role("link", name="Repeat addresses").click()
    assert_accessible(page, "the repeat-address queue")
    page.get_by_role("link", name=re.compile(ADDRESS)).click()
    assert_accessible(page, "the repeat-address alert")
    page.get_by_role("link", name="Open the address page").click()
    assert ADDRESS in h1(page)
    page.get_by_role("link", name="Enforcement record").click()
    assert h1(page).startswith(ADDRESS)
    expect(page.get_by_text("No enforcement step you can see")).to_be_visible()
    assert_accessible(page, "the enforcement record, empty")

    # A CPW, 40 days ago, giving 20 days to deal with the matter; first sent empty.
    page.get_by_role("link", name="Record a Community Protection Warning").click()
    expect_h1(page, "Record a Community Protection Warning")
    assert_accessible(page, "the CPW form")
    submit(page, "Record the CPW")
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page, "the CPW form with its errors")
    fill_date(page, "Date issued or served", (now - dt.timedelta(days=40)).date())
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_label("Police officer (constable or above)").check()
    page.get_by_label("Person it is given to").select_option(label=PERSON)
    page.get_by_label("Conduct").fill(
        "Letting the flat be used to supply drugs; visitors all night"
    )
    fill_date(page, "Date by which to deal with the matter", (now - dt.timedelta(days=20)).date())
    submit(page, "Record the CPW")
    expect(
        page.get_by_text(re.compile(r"Community Protection Warning ENF-\d+ recorded"))
    ).to_be_visible()

    # The CPN follows the warning, 16 days ago: its appeal window closes within the week.
    page.get_by_role("link", name=re.compile(r"^Record a Community Protection Notice")).click()
    assert_accessible(page, "the CPN form")
    fill_date(page, "Date issued or served", (now - dt.timedelta(days=16)).date())
    page.get_by_label("Time", exact=True).fill("11:00")
    page.get_by_label("Police officer (constable or above)").check()
    submit(page, "Record the CPN")
    expect(
        page.get_by_text(re.compile(r"Community Protection Notice ENF-\d+ recorded"))
    ).to_be_visible()
    expect(page.get_by_text("Appeal window closes").first).to_be_visible()

    # A closure notice by an inspector two hours ago, then a partial closure order an hour ago.
    served, made = now - dt.timedelta(hours=2), now - dt.timedelta(hours=1)
    page.get_by_role("link", name="Record a Closure notice", exact=True).click()
    fill_date(page, "Date issued or served", served.date())
    page.get_by_label("Time", exact=True).fill(f"{served:%H:%M}")
    page.get_by_label("Police officer of at least the rank of inspector").check()
    submit(page, "Record the Closure notice")
    expect(page.get_by_text("Closure order application must be heard")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Record a Closure order \(after")).click()
    assert_accessible(page, "the closure order form")
    fill_date(page, "Date made", made.date())
    page.get_by_label("Time", exact=True).fill(f"{made:%H:%M}")
    page.get_by_label("Police officer of at least the rank of inspector").check()
    page.get_by_role("radio", name="Part of the premises").check()
    page.get_by_role("textbox", name="The part of the premises covered").fill(
        "The flat's rear bedroom and stairwell"
    )
    fill_date(page, "Date it ends", (now + dt.timedelta(days=60)).date())
    submit(page, "Record the Closure order")
    expect(page.get_by_text(re.compile(r"Closure order ENF-\d+ recorded"))).to_be_visible()
    expect(page.get_by_text("The flat's rear bedroom and stairwell")).to_be_visible()
    expect(page.get_by_text("Met", exact=False).first).to_be_visible()  # the hearing deadline
    assert_accessible(page, "the enforcement record with its ladder")

    # The deadlines view: the CPN's appeal window closes this week.
    menu(page).get_by_role("link", name="Enforcement deadlines").click()
    expect_h1(page, "Enforcement deadlines")
    due = page.locator("table").last
    expect(due.get_by_text("Appeal window closes").first).to_be_visible()
    expect(due.get_by_text(ADDRESS).first).to_be_visible()
    assert_accessible(page, "the enforcement deadlines")

    # The court chronology, printable.
    page.get_by_role("link", name=re.compile(ADDRESS)).first.click()
    page.get_by_role("link", name="Court chronology (printable)").click()
    order_row = page.get_by_role("row").filter(has_text="Closure order (ASBCPA 2014 s.80)")
    expect(order_row).to_be_visible()
    assert "rear bedroom" in order_row.inner_text()
    assert page.locator("link[href*='enforcement/print.css']").count() == 1
    assert_accessible(page, "the court chronology")
