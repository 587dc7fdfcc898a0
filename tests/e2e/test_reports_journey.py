"""The partnership report in a real browser (issue 11 points 2 and 3): an analyst signs in by
keyboard, finds "Reports" in the navigation, opens the partnership report for a period, sees
small counts as [c] with the legend above each table, is told what is wrong with a period
that ends before it starts, downloads the CSV and opens the printable page. axe checks every
page on the way."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import HUB, PASSWORD, POLICE, SCHOOL, Server
from tests.e2e.helpers import Account, CodeClock, assert_accessible, error_summary
from tests.e2e.helpers import sign_in_by_keyboard as sign_in

pytestmark = pytest.mark.browser

ANALYST = Account("reportanalyst", PASSWORD, HUB, ("analyst",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR")
LEGEND = "[c] confidential: a count from 1 to 4, or a count withheld so that it cannot be"
# Referrals to count: 3 from the school (a small count, shown as [c]) and 7 from the police,
# over a year ago: the journeys share one server, and the others refer today.
REFERRALS = ((SCHOOL, "teacher", 3), (POLICE, "officer", 7))
DAYS_AGO = 400


def provision(server: Server) -> None:
    """An analyst, and ten referrals submitted over the last few weeks."""
    if ANALYST.username in server.accounts:
        return
    server.add_account(ANALYST, "Report", "Analyst")
    # Submitted referrals as triage finds them; the services' validation is not what this
    # journey is about, so they are written directly.
    lines = [
        "from datetime import timedelta",
        "from django.utils import timezone",
        "from nestguard.accounts.models import Agency, User",
        "from nestguard.referrals.models import Referral",
        "now = timezone.now()",
    ]
    n = 0
    for agency, username, count in REFERRALS:
        for _ in range(count):
            n += 1
            lines.append(
                f"Referral.objects.create(reference='REF-E2E-{n:03d}', status='submitted', "
                f"referrer=User.objects.get(username={username!r}), "
                f"referrer_agency=Agency.objects.get(name={agency!r}), "
                f"concern_types=['cuckooing'], submitted_at=now - timedelta(days={DAYS_AGO + n}), "
                f"triage_due_at=now - timedelta(days={DAYS_AGO + n}) + timedelta(days=5))"
            )
    server.nestguard("shell", "-c", "\n".join(lines))


def fill_date(page: Any, group: str, day: Any) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_an_analyst_reads_the_partnership_report_and_downloads_it(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    provision(e2e_server)
    page = new_context().new_page()
    sign_in(page, ANALYST, codes)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    assert_accessible(page, "the reports index")

    page.get_by_role("link", name="Partnership report").click()
    expect(page.get_by_role("heading", level=1, name="Partnership report")).to_be_visible()
    assert_accessible(page, "the partnership report for the default period")

    # A period that ends before it starts is refused, with the reason.
    today = timezone.localdate()
    fill_date(page, "First day", today)
    fill_date(page, "Last day", today - timedelta(days=40))
    page.get_by_role("button", name="Show the report").click()
    expect(error_summary(page)).to_be_visible()
    expect(error_summary(page)).to_contain_text("The end date must be on or after the start date")
    assert_accessible(page, "the partnership report with an error")

    fill_date(page, "First day", today - timedelta(days=DAYS_AGO + 40))
    fill_date(page, "Last day", today - timedelta(days=DAYS_AGO - 20))
    page.get_by_role("button", name="Show the report").click()
    by_type = page.get_by_role("table", name="Referrals by source agency type")
    expect(by_type).to_be_visible()
    expect(by_type.get_by_role("row", name="School")).to_contain_text("[c]")
    expect(page.get_by_text(LEGEND).first).to_be_visible()
    assert_accessible(page, "the partnership report with [c] cells")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["Partnership report"] in lines and [LEGEND + " worked out from a total"] in lines
    school = next(line for line in lines if line[:1] == ["School"])
    assert school[1] == "[c]"

    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", level=1, name="Partnership report")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    assert_accessible(page, "the printable partnership report")
