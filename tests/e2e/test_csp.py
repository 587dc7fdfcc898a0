"""With the Content Security Policy enforced, pages load their assets and break no rule.

The other journeys bypass CSP so that axe can be injected; this one keeps it, so an inline
script or style, or an asset the server cannot find, fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, sign_in_by_keyboard

pytestmark = pytest.mark.browser

# Pages any signed-in caseworker can open without a record of their own; the others are
# checked by the journeys (with CSP bypassed) and by the truth table.
PAGES = [
    "core:home",
    "core:accessibility",
    "referrals:start",
    "referrals:mine",
    "referrals:triage_queue",
    "cases:list",
    "places:search",
]


def watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} for {r.url}") if r.status >= 400 else None,
    )
    return problems


def test_pages_keep_to_the_content_security_policy(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    page = new_context(bypass_csp=False).new_page()
    problems = watch(page)
    page.goto("/sign-in/")
    page.wait_for_load_state("load")
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or ""), (
        "GOV.UK Frontend's JavaScript did not run under the CSP"
    )
    sign_in_by_keyboard(page, e2e_server.accounts["hubworker"], codes)
    for name in PAGES:
        page.goto(reverse(name))
        page.wait_for_load_state("load")
    assert not problems, "\n".join(problems)
