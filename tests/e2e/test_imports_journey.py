"""An administrator uploads the address register and follows the import job, in a real
browser (docs/decisions/0088-imports-as-jobs.md): a file with problems fails listing them,
a good one is written by a real worker. Each page is checked with axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nestguard.places.services.register import REGISTER_COLUMNS
from tests.e2e.conftest import Server
from tests.e2e.helpers import (
    Account,
    CodeClock,
    assert_accessible,
    error_summary,
    expect_h1,
    sign_in_by_keyboard,
)
from tests.e2e.test_jobs_journey import admin  # noqa: F401 (the fixture)
from tests.e2e.test_journeys import click_button

pytestmark = pytest.mark.browser

HEADER = ",".join(REGISTER_COLUMNS)


def test_an_administrator_imports_the_register_as_a_job(
    new_context: Any,
    admin: Account,  # noqa: F811
    codes: CodeClock,
    e2e_server: Server,
    tmp_path: Path,
) -> None:
    page = new_context().new_page()
    sign_in_by_keyboard(page, admin, codes)
    page.goto("/addresses/register/import/")
    expect_h1(page, "Import the address register")
    click_button(page, "Upload and start the import")
    assert "Choose a CSV file" in error_summary(page).inner_text()
    assert_accessible(page, "the register upload page with an error")

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n880000000001,1 Quay Street,,Northbrook,??,402100,397100,,,,,\n")
    page.get_by_label("Address register CSV file").set_input_files(str(bad))
    click_button(page, "Upload and start the import")
    expect_h1(page, "Import the address register")  # the job's page
    assert "Queued" in page.inner_text("main")
    e2e_server.nestguard("worker", "--once", "--no-schedules")
    page.reload()
    main = page.inner_text("main")
    assert "1 problem(s) in the input; nothing was written" in main
    assert "row 2, postcode" in main
    assert_accessible(page, "a failed import job")

    good = tmp_path / "good.csv"
    good.write_text(
        HEADER + "\n880000000001,1 Quay Street,,Northbrook,NB1 2AB,402100,397100,,,,,\n"
    )
    page.goto("/addresses/register/import/")
    page.get_by_label("Address register CSV file").set_input_files(str(good))
    click_button(page, "Upload and start the import")
    e2e_server.nestguard("worker", "--once", "--no-schedules")
    page.reload()
    main = page.inner_text("main")
    assert "Succeeded" in main and "1 rows written: 1 created" in main
