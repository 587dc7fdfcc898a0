"""What the browser journeys share: TOTP codes, keyboard sign-in and the axe check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "nestguard" / "static" / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STEP = 30


@dataclass(frozen=True)
class Account:
    """A user provisioned on the journeys' server with the administrators' commands."""

    username: str
    password: str
    agency: str
    roles: tuple[str, ...]
    totp_secret: str | None  # base32; None: the user enrols at first sign-in


def totp_code(secret_b32: str, step: int) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) for the given time step."""
    key = base64.b32decode(secret_b32.replace(" ", "").upper())
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class CodeClock:
    """Hands out codes the server will accept.

    django-otp refuses a time step it has already accepted for a device (no replay), and
    accepts one step either side of its idea of now. So a second sign-in within the same 30
    seconds uses the next step, and only waits when even that has been used.
    """

    def __init__(self) -> None:
        self.last_step: dict[str, int] = {}

    def code(self, username: str, secret_b32: str) -> str:
        while True:
            now = int(time.time()) // STEP
            wanted = max(now, self.last_step.get(username, -1) + 1)
            if wanted <= now + 1:
                self.last_step[username] = wanted
                return totp_code(secret_b32, wanted)
            time.sleep(STEP - time.time() % STEP + 0.2)


def is_focused(locator: Any) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Any, locator: Any, *, limit: int = 40) -> None:
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} cannot be reached with the Tab key within {limit} presses")


def sign_in_by_keyboard(page: Any, account: Account, clock: CodeClock) -> None:
    """Username, Tab, password, Enter; then the security code and Enter."""
    assert account.totp_secret, f"{account.username} has no authenticator yet"
    page.goto("/sign-in/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(account.username)
    page.keyboard.press("Tab")
    assert is_focused(page.get_by_label("Password")), "Tab from Username should reach Password"
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in/security-code/")
    enter_code(page, clock.code(account.username, account.totp_secret))
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def sign_out(page: Any) -> None:
    """Sign-out is a form button (POST only), styled as a link."""
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="You have signed out").wait_for()


def enter_code(page: Any, code: str) -> None:
    field = page.get_by_label("Security code")
    tab_to(page, field)
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def assert_accessible(page: Any, what: str) -> None:
    """axe-core on the page as it stands: no WCAG 2.0/2.1/2.2 A or AA violation.

    axe is injected as a script element, which the strict CSP would refuse; the journeys'
    browser contexts therefore bypass CSP, for this and nothing else (test_csp checks the
    policy with a context that keeps it).
    """
    page.wait_for_load_state("load")
    status = getattr(page, "ng_status", 200)
    if status >= 400:
        pytest.fail(f"{what} answered {status}, not a page to check ({page.url})", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            // GOV.UK Frontend's conditional reveals put aria-expanded on radios, against ARIA
            // 1.2 but on purpose after research with screen-reader users: a known issue of the
            // design system (alphagov/govuk-frontend#979, #1280). That one finding is let
            // through; anything else on the same element still fails.
            const govukReveal = (v, n) => {
                if (v.id !== "aria-allowed-attr") return false;
                const el = document.querySelector(n.target.join(" "));
                if (!el || !el.matches("input[type=radio][aria-controls]")) return false;
                const checks = [...n.any, ...n.all, ...n.none];
                const values = checks.flatMap(c => (c.data && c.data.values) || [c.data]);
                return values.length > 0 && values.every(d => /^aria-expanded=/.test(String(d)));
            };
            return result.violations
                .map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.filter(n => !govukReveal(v, n)).map(n => {
                        const why = (n.failureSummary || "").split("\\n").slice(1).join(" ");
                        return `${n.target.join(" ")}: ${why.trim()}`;
                    }),
                }))
                .filter(v => v.targets.length > 0);
        }""",
        AXE_TAGS,
    )
    if violations:
        lines = [f"axe found {len(violations)} WCAG 2.2 AA violation(s) on {what} ({page.url}):"]
        for v in violations:
            lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}")
            lines.extend(f"    at {target}" for target in v["targets"][:10])
        pytest.fail("\n".join(lines), pytrace=False)


def error_summary(page: Any) -> Any:
    """The GOV.UK error summary, found by its role and heading."""
    return page.get_by_role("alert").filter(has_text="There is a problem")


def expect_h1(page: Any, text: str) -> None:
    """The page's main heading is `text`, waiting for it: a click or a submit navigates, and
    reading the heading at once can read the page being left (a race seen in CI)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(text)
