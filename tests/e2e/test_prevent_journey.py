"""Prevent and Channel in a real browser (decision 0109): a teacher whose referral names a
radicalisation concern makes a Prevent referral from it (meeting the error summary first);
the council's Prevent lead records the gateway assessment, the Channel panel's adoption, is
refused support without consent, records consent and starts support; the teacher then sees
the stage and outcome only. axe checks every page, and the forms with their errors.

The start is made through the services: the Prevent team (a team of the hub) named as the
Prevent lead, and the teacher's referral with the radicalisation concern."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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
    sign_out,
)

pytestmark = pytest.mark.browser

LEAD = Account("preventlead", PASSWORD, HUB, ("caseworker",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR")

SETUP = """
import datetime as dt
from django.urls import reverse
from nestguard.accounts.models import Team, User
from nestguard.channel.services.prevent import prevent_lead_name
from nestguard.referrals import services as referrals

lead = User.objects.get(username="preventlead")
team = Team.objects.create(agency=lead.agency, name="Prevent team")
team.members.add(lead)
prevent_lead_name(None, agency=lead.agency, team=team)
teacher = User.objects.get(username="teacher")
referral = referrals.referral_start(actor=teacher)
referrals.referral_details_update(
    actor=teacher, referral=referral, phone="01632 960 001", job_title="Safeguarding lead"
)
referrals.referral_subject_add(
    actor=teacher, referral=referral, role="person_at_risk", given_name="Alex",
    family_name="Prevjourney", date_of_birth=dt.date(1990, 3, 4),
)
referrals.referral_address_update(
    actor=teacher, referral=referral, line1="3 Quarry Row", town="Northbrook", postcode="NB1 2AB"
)
referrals.referral_concerns_update(
    actor=teacher, referral=referral, concern_types=["radicalisation"],
    indicators=["extremist_material"], signs_text="Showed students extremist videos.",
)
referrals.referral_urgency_update(actor=teacher, referral=referral, urgency="medium")
referrals.referral_consent_update(
    actor=teacher, referral=referral, lawful_basis="safeguarding_sch1_para18",
    consent="not_sought", consent_reason="would_prejudice",
)
referral.refresh_from_db()
referral = referrals.referral_submit(actor=teacher, referral=referral)
print(reverse("referrals:status", args=[referral.pk]))
"""


@pytest.fixture(scope="module")
def status_path(e2e_server: Server) -> Iterator[str]:
    e2e_server.add_account(LEAD, "Bethan", "Ashcroft")
    yield e2e_server.nestguard("shell", "-c", SETUP).splitlines()[-1]


def _press(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def _date(page: Any, group: str) -> None:
    today = datetime.now(ZoneInfo("Europe/London"))
    fields = page.get_by_role("group", name=group)
    for part, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        fields.get_by_label(part).fill(str(value))


def test_a_prevent_referral_through_the_channel_panel(
    new_context: Any, e2e_server: Server, status_path: str, codes: CodeClock
) -> None:
    teacher = e2e_server.accounts["teacher"]
    page = new_context().new_page()
    sign_in_by_keyboard(page, teacher, codes)
    page.goto(status_path)
    page.get_by_role("link", name="Make a Prevent referral").click()
    expect_h1(page, "Make a Prevent referral")
    assert_accessible(page, "the Prevent referral form")
    _press(page, "Send the Prevent referral")
    expect(error_summary(page)).to_contain_text("Choose the kind of concern")
    assert_accessible(page, "the Prevent referral form with errors")
    page.get_by_label("Alex Prevjourney").check()
    page.get_by_label("Extreme right-wing").check()
    page.get_by_label("Extremist symbols, flags, tattoos or graffiti").check()
    page.get_by_label("What you saw or heard").fill("Showed Year 9 a video praising an attack.")
    _press(page, "Send the Prevent referral")
    expect_h1(page, "Prevent referral about Alex Prevjourney")
    detail = page.url
    assert_accessible(page, "the Prevent referral as the referrer sees it")
    sign_out(page)

    lead = e2e_server.accounts["preventlead"]
    sign_in_by_keyboard(page, lead, codes)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Prevent").click()
    expect_h1(page, "Prevent referrals")
    assert_accessible(page, "the Prevent referrals list")
    page.goto(detail)
    expect(page.get_by_text("Showed Year 9 a video")).to_be_visible()
    assert_accessible(page, "the Prevent referral as the lead sees it")
    _press(page, "Save the gateway assessment")
    expect(error_summary(page)).to_contain_text("Choose the outcome")
    assert_accessible(page, "the gateway form with errors")
    page.get_by_label("Proceed to the Channel panel").check()
    _date(page, "Date of the assessment")
    _press(page, "Save the gateway assessment")
    page.get_by_label("Adopted as a Channel case").check()
    _date(page, "Date of the panel")
    _press(page, "Save the panel's decision")
    _date(page, "Date support started")
    _press(page, "Start support")
    expect(error_summary(page)).to_contain_text("Support cannot start without the necessary")
    assert_accessible(page, "support refused without consent")
    page.get_by_label("Consent given").check()
    page.get_by_label("The person themselves").check()
    _date(page, "Date of the answer")
    _press(page, "Save the answer about consent")
    _date(page, "Date support started")
    _press(page, "Start support")
    expect(page.get_by_text("Channel support under way")).to_be_visible()
    assert_accessible(page, "the Prevent referral with support under way")
    sign_out(page)

    sign_in_by_keyboard(page, teacher, codes)
    page.goto(detail)
    expect(page.get_by_text("Adopted as a Channel case")).to_be_visible()
    expect(page.get_by_text("Showed Year 9 a video")).to_have_count(0)
