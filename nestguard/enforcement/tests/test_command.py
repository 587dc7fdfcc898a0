"""`nestguard deadline STEP --at ISO-DATETIME [--issuer RANK]`."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _run(*args: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return json.loads(out.getvalue())


def test_closure_notice_by_a_superintendent_on_christmas_eve() -> None:
    report = _run("closure_notice", "--at", "2026-12-24T18:30", "--issuer", "police_superintendent")
    by_code = {d["code"]: d for d in report["deadlines"]}
    assert by_code["expires"]["due_at"] == "2026-12-27T18:30:00+00:00"
    assert by_code["hearing_by"]["due_at"] == "2026-12-27T18:30:00+00:00"
    assert by_code["hearing_by"]["source"]["section"] == "s.80(3)-(4)"
    assert by_code["hearing_by"]["source"]["url"].startswith("https://www.legislation.gov.uk/")


def test_a_utc_moment_is_shown_in_uk_time() -> None:
    report = _run("cpn", "--at", "2026-06-30T23:30:00+00:00")
    assert report["at"] == "2026-07-01T00:30:00+01:00"
    assert report["deadlines"][0]["due_at"] == "2026-07-21T23:59:59+01:00"


def test_closure_order_gives_its_limits() -> None:
    report = _run("closure_order", "--at", "2026-11-30T10:00")
    expires = next(d for d in report["deadlines"] if d["code"] == "expires")
    assert expires["due_at"] == "2027-02-28T10:00:00+00:00"
    assert report["limits"][0]["code"] == "max_period"
    appeal = next(d for d in report["deadlines"] if d["code"] == "appeal_by")
    assert appeal["source"]["status"] == "secondary"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["asbo", "--at", "2026-11-30T10:00"], "unknown step 'asbo'"),
        (["cpn", "--at", "30/11/2026"], "is not an ISO 8601 date and time"),
        (["cpn", "--at", "2026-02-30T10:00"], "is not an ISO 8601 date and time"),
        (["closure_notice", "--at", "2026-11-30T10:00"], "needs --issuer"),
        (
            ["closure_notice", "--at", "2026-11-30T10:00", "--issuer", "police_constable"],
            "may not take the step closure_notice",
        ),
        (["closure_notice", "--at", "2026-11-30T10:00", "--issuer", "sheriff"], "not a known rank"),
        (["respect_order", "--at", "2026-11-30T10:00"], "is not in force"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("'", "'")):
        call_command("deadline", *args, stdout=StringIO())


@pytest.mark.real_clock("the command runs in a process of its own, at the machine's clock")
def test_the_command_exits_non_zero_on_bad_input() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nestguard.manage", "deadline", "cpn", "--at", "soon"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "is not an ISO 8601 date and time" in result.stderr
