"""Administrators see the restore drills: the latest result, what differed, the history."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from nestguard.operations.models import RestoreDrill

pytestmark = pytest.mark.django_db

CHROMIUM = Path("/usr/bin/chromium")


def drill(*, passed: bool, days_ago: int, differences: list[str] | None = None) -> RestoreDrill:
    return RestoreDrill.objects.create(
        started_at=timezone.now() - dt.timedelta(days=days_ago),
        duration_ms=1234,
        passed=passed,
        backup_name=f"nestguard-2026120{days_ago}T020000Z.pgdump",
        backup_created_at=timezone.now() - dt.timedelta(days=days_ago, hours=3),
        engine="postgresql",
        tables_compared=67,
        events_verified=1500,
        differences=differences or [],
    )


def test_admins_see_the_latest_drill_and_what_differed(client_for) -> None:  # type: ignore[no-untyped-def]
    drill(passed=True, days_ago=8)
    drill(
        passed=False,
        days_ago=1,
        differences=["people_person: 41 rows in the backup's manifest, 40 restored"],
    )

    response = client_for("admin").get(reverse("operations:restore_drills"))

    assert response.status_code == 200
    page = response.content.decode()
    latest = page.split("Recent drills")[0]
    assert "Failed" in latest
    assert "people_person: 41 rows in the backup&#x27;s manifest, 40 restored" in latest
    assert "nestguard-20261201T020000Z.pgdump" in latest
    assert [d.passed for d in response.context["drills"]] == [False, True]


def test_before_any_drill_the_page_says_what_to_schedule(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").get(reverse("operations:restore_drills"))

    assert b"No restore drill has run yet" in response.content


def test_the_page_is_in_the_administrators_navigation(client_for) -> None:  # type: ignore[no-untyped-def]
    link = f'href="{reverse("operations:restore_drills")}"'.encode()
    assert link in client_for("admin").get(reverse("core:home")).content
    assert link not in client_for("owner").get(reverse("core:home")).content


def test_query_count_does_not_grow_with_drills(client_for, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for("admin")
    for n in (2, 25):
        for day in range(n):
            drill(passed=day % 2 == 0, days_ago=day, differences=["x: 1 rows, 0 restored"])
        with django_assert_max_num_queries(12):
            client.get(reverse("operations:restore_drills"))


@pytest.mark.browser
def test_the_page_is_accessible(client_for) -> None:  # type: ignore[no-untyped-def]
    """axe on the page as an administrator gets it (a failed drill on top), rendered here and
    served to Chromium with its stylesheets, so the check sees what a browser shows."""
    if not CHROMIUM.exists():
        if os.environ.get("NESTGUARD_REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}:
            pytest.fail(f"NESTGUARD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS
    from tests.e2e.helpers import assert_accessible

    drill(passed=True, days_ago=8)
    drill(passed=False, days_ago=1, differences=["the restored audit chain is broken at event 7"])
    html = client_for("admin").get(reverse("operations:restore_drills")).content

    def serve(route: Any) -> None:
        path = route.request.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        if path.startswith("static/"):
            found = finders.find(path.removeprefix("static/"))
            if found:
                route.fulfill(path=found)
                return
            route.fulfill(status=404)
            return
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(bypass_csp=True)
            page.route("**/*", serve)
            page.goto("http://nestguard.test/operations/restore-drills/")
            expect(page.get_by_role("heading", name="Restore drills")).to_be_visible()
            assert_accessible(page, "the restore drills page")
        finally:
            browser.close()
