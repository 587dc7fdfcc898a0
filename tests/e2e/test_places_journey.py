"""The places journey in a real browser, with axe on every page it opens.

The register is imported with `nestguard import_addresses`; a teacher's referral (through the
API) about 5 Lantern Row resolves to the register and the hub accepts it. The hub worker opens
the address page (map, timeline) and places a warning marker; the teacher, who may see
nothing of the case, asks "is there a risk behind this door?" and gets the level, advice and
contact only; the police officer records two incidents, which with the referral raise a
repeat-address alert, and records the decision; the hub worker opens the leaflet-drop list,
records target hardening and reads the funding figure.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, assert_accessible, sign_in_by_keyboard

REGISTER = """uprn,address_line1,address_line2,town,postcode,easting,northing,latitude,\
longitude,ward,tenure,landlord
990000000005,5 Lantern Row,,Northbrook,NB6 6AB,403000,398000,,,Lanterns,private_rented,Lanterns
990000000007,7 Lantern Row,,Northbrook,NB6 6AB,403020,398010,,,Lanterns,council,Northbrook Council
990000000009,9 Lantern Row,,Northbrook,NB6 6AB,403045,398020,,,Lanterns,owner_occupied,
"""


def api(server: Server, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (our own server, checked below)
        server.url(path),
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    assert request.full_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our server)
        result: dict[str, Any] = json.loads(response.read())
        return result


def fill_date(page: Any, name: str, day: Any) -> None:
    page.locator(f"input[name='{name}_day']").fill(str(day.day))
    page.locator(f"input[name='{name}_month']").fill(str(day.month))
    page.locator(f"input[name='{name}_year']").fill(str(day.year))


def test_the_property_journey(
    e2e_server: Server, new_context: Any, codes: CodeClock, tmp_path: Path
) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert "3 created" in e2e_server.nestguard("import_addresses", str(register))

    teacher_token = e2e_server.nestguard("create_api_token", "--username", "teacher").strip()
    hub_token = e2e_server.nestguard("create_api_token", "--username", "hubworker").strip()
    referral = api(
        e2e_server,
        teacher_token,
        "/api/v1/referrals/",
        {
            "referrer_phone": "01632 960 123",
            "referrer_job_title": "Safeguarding lead",
            "subjects": [
                {"role": "victim", "given_name": "Robin", "family_name": "Lanternfield",
                 "date_of_birth": "1961-04-02"}
            ],
            "address": {"line1": "5 Lantern Row", "town": "Northbrook", "postcode": "nb6 6ab"},
            "concern_types": ["cuckooing"],
            "indicators": ["unfamiliar_visitors"],
            "signs_text": "Visitors at all hours.",
            "urgency": "medium",
            "lawful_basis": "safeguarding_sch1_para18",
            "consent": "not_sought",
            "consent_reason": "would_prejudice",
        },
    )  # fmt: skip
    api(
        e2e_server,
        hub_token,
        f"/api/v1/referrals/{referral['id']}/triage/",
        {"decision": "accept", "reason": "Clear signs of cuckooing"},
    )

    hub = new_context().new_page()
    sign_in_by_keyboard(hub, e2e_server.accounts["hubworker"], codes)
    hub.goto("/addresses/?postcode=NB6+6AB")
    hub.get_by_role("link", name="5 Lantern Row, Northbrook, NB6 6AB", exact=True).click()
    expect(hub.locator("h1")).to_contain_text("5 Lantern Row")
    hub.wait_for_selector(".leaflet-container")  # the map, drawn with no tiles
    expect(hub.get_by_text("Easting 403000, northing 398000")).to_be_visible()
    assert_accessible(hub, "the address page with its map and timeline")
    address_url = hub.url

    hub.get_by_role("link", name="Place a warning marker").click()
    hub.get_by_role("button", name="Place warning").click()
    expect(hub.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(hub, "the warning marker form with errors")
    hub.get_by_label("Violence or threats towards visitors").check()
    hub.get_by_label("High").check()
    hub.get_by_label("Safety advice for visitors").fill("Do not visit alone; call the hub first.")
    hub.get_by_label("Whom to contact").fill("Northbrook Exploitation Hub, 01632 960 000")
    fill_date(hub, "review_on", timezone.localdate() + timedelta(days=30))
    fill_date(hub, "expires_on", timezone.localdate() + timedelta(days=120))
    hub.get_by_role("button", name="Place warning").click()
    hub.wait_for_url(address_url)
    expect(hub.get_by_text("Warning marker placed")).to_be_visible()
    assert_accessible(hub, "the address page with a warning marker")

    teacher = new_context().new_page()
    sign_in_by_keyboard(teacher, e2e_server.accounts["teacher"], codes)
    teacher.goto("/addresses/door-check/")
    assert_accessible(teacher, "the door check page")
    teacher.get_by_label("Postcode").fill("NB6 6AB")
    teacher.get_by_label("House number or name").fill("5")
    teacher.get_by_role("button", name="Check").click()
    answer = teacher.locator("#door-answer").inner_text()
    assert "Warning level: High" in answer and "Do not visit alone" in answer
    assert "Violence" not in teacher.content() and "Lanternfield" not in teacher.content()
    assert_accessible(teacher, "the door check answer")
    assert teacher.goto(address_url).status == 404  # nothing of the case for the teacher

    officer = new_context().new_page()
    sign_in_by_keyboard(officer, e2e_server.accounts["officer"], codes)
    officer.goto("/addresses/?postcode=NB6+6AB")
    for summary in ("Cars stopping for a few minutes", "Door damaged overnight"):
        officer.get_by_role(
            "link", name="record intelligence or an incident about 5 Lantern Row"
        ).click()
        assert_accessible(officer, "the report form")
        officer.get_by_label("Incident").check()
        today = timezone.localdate()
        fill_date(officer, "occurred_on", today)
        officer.get_by_label("What was reported").fill(summary)
        with officer.expect_navigation():  # the report is saved before the next page is asked for
            officer.get_by_role("button", name="Record report").click()
        officer.goto("/addresses/?postcode=NB6+6AB")
    officer.goto("/addresses/repeat-alerts/")
    assert_accessible(officer, "the repeat-address queue")
    officer.get_by_role("link", name="5 Lantern Row, Northbrook, NB6 6AB", exact=True).click()
    timeline = officer.locator(".ng-timeline").inner_text()
    assert "Door damaged overnight" in timeline, timeline
    assert_accessible(officer, "a repeat-address alert with the timeline")
    officer.get_by_label("No action").check()
    officer.get_by_role("button", name="Record decision").click()
    expect(officer.get_by_text("Give the reason for taking no action").first).to_be_visible()
    assert_accessible(officer, "a repeat-address decision with an error")
    officer.get_by_label("Partnership visit arranged").check()
    officer.get_by_role("button", name="Record decision").click()
    expect(officer.get_by_text("Decision recorded")).to_be_visible()

    hub.goto(address_url + "nearby/")
    expect(hub.get_by_text("2 addresses within 150 m")).to_be_visible()
    assert_accessible(hub, "the leaflet drop list")
    hub.goto(address_url + "hardening/new/")
    assert_accessible(hub, "the target hardening form")
    hub.get_by_label("Measure").select_option("locks")
    hub.get_by_label("Cost in pounds").fill("180.50")
    hub.get_by_label("Unfunded").check()
    hub.get_by_role("button", name="Record measure").click()
    expect(hub.get_by_text("£180.50 unfunded", exact=True)).to_be_visible()
    hub.goto("/addresses/target-hardening/")
    assert_accessible(hub, "the target hardening funding figure")
