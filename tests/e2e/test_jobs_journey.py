"""An administrator starts a nightly job by hand and follows it on the jobs page, in a real
browser (docs/decisions/0080-job-queue.md). The job runs on a real worker
(`nestguard worker --once`) against the server's database. Each page is checked with axe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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

ADMIN = Account("jobsadmin", PASSWORD, HUB, ("admin",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")


@pytest.fixture(scope="module")
def admin(e2e_server: Server) -> Iterator[Account]:
    if ADMIN.username not in e2e_server.accounts:
        e2e_server.add_account(ADMIN, "Jobs", "Admin")
    yield ADMIN


def test_an_administrator_starts_a_job_and_sees_it_run(
    new_context: Any, admin: Account, codes: CodeClock, e2e_server: Server
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, admin, codes)
    page.goto("/jobs/")
    expect_h1(page, "Jobs")
    assert_accessible(page, "the jobs page")

    click_button(page, "Start the job")
    assert "Choose a job to start" in error_summary(page).inner_text()
    assert_accessible(page, "the jobs page with an error")

    page.get_by_label("Repeat addresses").check()
    click_button(page, "Start the job")
    expect_h1(page, "Repeat addresses")
    assert "Queued" in page.inner_text("main")
    assert_accessible(page, "a queued job run")

    # Other journeys may have left jobs queued on the shared server: the page says whether
    # this one ran.
    assert "job attempt(s) run" in e2e_server.nestguard("worker", "--once", "--no-schedules")
    page.reload()
    main = page.inner_text("main")
    assert "Succeeded" in main and "open repeat-address alert(s)" in main
    assert_accessible(page, "a finished job run")

    page.get_by_role("link", name="Back to jobs").click()
    page.wait_for_load_state("load")
    row = page.get_by_role("row").filter(has_text="Repeat addresses")
    assert "Succeeded" in row.first.inner_text()
    assert "Jobs Admin" in row.first.inner_text()
    assert_accessible(page, "the jobs page with a run")
