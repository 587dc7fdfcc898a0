"""Sign-in in a real browser: TOTP enrolment at first sign-in, a code at every sign-in."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import (
    CodeClock,
    assert_accessible,
    enter_code,
    error_summary,
    is_focused,
    sign_out,
    tab_to,
    totp_code,
)

pytestmark = pytest.mark.browser


def password_by_keyboard(page: Any, username: str, password: str) -> None:
    page.goto("/sign-in/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert is_focused(page.get_by_label("Password"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_first_sign_in_enrols_totp_and_every_sign_in_asks_for_a_code(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    account = e2e_server.accounts["newcomer"]
    page = new_context().new_page()

    page.goto("/")
    page.wait_for_url(re.compile(r"/sign-in/\?next="))
    assert_accessible(page, "the sign-in page")

    # A wrong password: the error summary, and no way further.
    password_by_keyboard(page, account.username, "not the password at all")
    expect_error(page, "Enter a correct username and password")
    assert page.title().startswith("Error:")
    assert_accessible(page, "the sign-in page with an error")

    # First sign-in: the administrator's enrolment code, then the set-up page with the key
    # to type into an authenticator app.
    password_by_keyboard(page, account.username, account.password)
    page.wait_for_url("**/sign-in/set-up-authenticator/")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your enrolment code"
    assert_accessible(page, "the enrolment code page")
    field = page.get_by_label("Enrolment code")
    tab_to(page, field)
    page.keyboard.type(e2e_server.enrolment_codes[account.username])
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    assert_accessible(page, "the authenticator set-up page")
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret
    enter_code(page, codes.code(account.username, secret))
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    expect(page.get_by_text("Signed in as")).to_be_visible()

    sign_out(page)

    # Second sign-in: the password alone reaches only the code page.
    password_by_keyboard(page, account.username, account.password)
    page.wait_for_url("**/sign-in/security-code/")
    assert_accessible(page, "the security code page")
    page.goto("/")
    page.wait_for_url("**/sign-in/security-code/")

    # A wrong code shows the error summary (and django-otp throttles the device a second).
    step = int(time.time()) // 30
    wrong = next(c for c in ("000000", "111111", "222222") if c not in _window(secret, step))
    enter_code(page, wrong)
    expect_error(page, "The security code is wrong or has expired")
    assert_accessible(page, "the security code page with an error")
    time.sleep(2.5)

    enter_code(page, codes.code(account.username, secret))
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    expect(page.get_by_text("Signed in as")).to_be_visible()


def _window(secret: str, step: int) -> set[str]:
    return {totp_code(secret, s) for s in range(step - 2, step + 3)}


def expect_error(page: Any, message: str) -> None:
    summary = error_summary(page)
    summary.wait_for()
    assert message in summary.inner_text(), summary.inner_text()
