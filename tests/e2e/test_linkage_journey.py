"""The person index in a real browser.

Two agencies' data officers load their records (the police by the command, the hub's by the
import page, after a file with mistakes is refused row by row); the hub's data officer starts
a linkage run from the page and watches it finish; then a teacher making a referral types a
boy's name and date of birth and, as she moves between fields, is told first that the check
for people already known is starting (the server builds its index for the new model in the
background), then that he may already be known to the partnership and whom to ask at the hub,
never which agency knows him (decision 0072), and sees the same on the people page once he is
saved. axe checks every page on the way.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from nestguard.linkage.tests.people import base_people, vary
from tests.e2e.conftest import HUB, PASSWORD, POLICE, Server
from tests.e2e.helpers import Account, CodeClock, assert_accessible, sign_in_by_keyboard

pytestmark = pytest.mark.browser

COLUMNS = ["record_id", "given_name", "family_name", "date_of_birth", "sex", "address_line1",
           "town", "postcode", "phone", "contact_name", "contact_phone"]  # fmt: skip
JAYDEN = {
    "given_name": "Jayden",
    "family_name": "Smith-Okoro",
    "date_of_birth": "2010-07-03",
    "sex": "M",
    "address_line1": "14 Canal Street",
    "town": "Northbrook",
    "postcode": "NB1 2AB",
    "phone": "07700 900613",
}
REVIEWER = Account(
    "datahub", PASSWORD, HUB, ("linkage_reviewer",), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _provision_data(server: Server, tmp: Path) -> tuple[Path, Path]:
    password = tmp / "password.txt"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    for username, agency, secret in (
        (REVIEWER.username, HUB, REVIEWER.totp_secret),
        ("datapolice", POLICE, None),
    ):
        args = ["createuser", "--username", username, "--agency", agency,
                "--role", "linkage_reviewer", "--password-file", str(password),
                "--first-name", username.capitalize(), "--last-name", "Tester"]  # fmt: skip
        server.nestguard(*args, *(["--totp-secret", secret] if secret else []))
    rng = random.Random(4)
    people = base_people(rng, 40)
    hub_rows = [{"record_id": f"HUB-{i}", **p} for i, p in enumerate(people)]
    hub_rows.append({"record_id": "HUB-JAY", **JAYDEN})
    # Twins: the model scores them high, its guard sends them to a reviewer.
    twin = {
        **JAYDEN,
        "given_name": "Callum",
        "family_name": "Riley",
        "date_of_birth": "2012-04-01",
        "address_line1": "3 Mill Lane",
        "postcode": "NB2 4CD",
        "phone": "",  # a shared mobile would tell the model they are one person
    }
    hub_rows.append({"record_id": "HUB-TWIN", **twin})
    police_rows = [
        {"record_id": f"POL-{i}", **vary(rng, p, rng.choice(["nickname", "typo", "missing"]))}
        for i, p in enumerate(people[:25])
    ]
    police_rows.append(
        {
            "record_id": "POL-JAY",
            **JAYDEN,
            "given_name": "Jay",
            "contact_name": "DC Amy Lord",
            "contact_phone": "01632 960 777",
        }
    )
    police_rows.append({"record_id": "POL-TWIN", **twin, "given_name": "Owen"})
    police = _write(tmp / "police.csv", police_rows)
    server.nestguard("import_source_records", str(police), "--user", "datapolice",
                     "--system", "Police records system")  # fmt: skip
    # What truly breaks a file is refused whole (decision 0113): the same record id twice. A
    # date that is not real is kept as sent, not a problem.
    bad = _write(
        tmp / "bad.csv",
        [{"record_id": "B1", "given_name": "Ann", "date_of_birth": "2010-02-30"},
         {"record_id": "B1", "given_name": "Anne", "date_of_birth": "2010-02-03"}],
    )  # fmt: skip
    return _write(tmp / "hub.csv", hub_rows), bad


def h1(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text()).strip()


def test_a_referrer_typing_a_known_person_is_told_whom_to_ask(
    e2e_server: Server, new_context: Any, codes: CodeClock, tmp_path: Path
) -> None:
    good, bad = _provision_data(e2e_server, tmp_path)

    officer = new_context().new_page()
    sign_in_by_keyboard(officer, REVIEWER, codes)
    officer.goto("/person-index/")
    assert h1(officer) == "Person index"
    assert_accessible(officer, "the person index")

    # A file with a mistake is refused row by row, and nothing of it is imported.
    officer.goto("/person-index/imports/new/")
    assert_accessible(officer, "the import page")
    officer.get_by_label("Which system are these records from?").fill("Hub case system")
    officer.get_by_label("CSV file").set_input_files(str(bad))
    officer.get_by_role("button", name="Check and import").click()
    officer.wait_for_load_state("load")
    expect(officer.get_by_text("In row 3, record_id: the same record id as row 2")).to_be_visible()
    assert_accessible(officer, "the import page with problems")
    officer.get_by_label("Which system are these records from?").fill("Hub case system")
    officer.get_by_label("CSV file").set_input_files(str(good))
    officer.get_by_role("button", name="Check and import").click()
    officer.wait_for_load_state("load")
    assert h1(officer) == "Records imported"
    assert_accessible(officer, "the import confirmation")

    # A linkage run, started from the page, in the background; the page follows it.
    officer.goto("/person-index/")
    officer.get_by_role("button", name="Start a linkage run").click()
    officer.wait_for_load_state("load")
    assert_accessible(officer, "the start of a linkage run")
    officer.get_by_role("button", name="Start the run").click()
    officer.wait_for_url(re.compile(r"/person-index/runs/[0-9a-f-]{36}/$"))
    assert_accessible(officer, "a linkage run in progress")
    # The run is a job on the queue (decision 80): the worker carries it out.
    assert "job attempt(s) run" in e2e_server.nestguard("worker", "--once", "--no-schedules")
    officer.get_by_text("Finished", exact=True).first.wait_for(timeout=240_000)
    assert "Links" in officer.content()
    assert_accessible(officer, "a finished linkage run")
    officer.goto("/person-index/review/")
    assert_accessible(officer, "the review queue")
    officer.get_by_role("link", name=re.compile(r"^(Callum|Owen) Riley and")).click()
    officer.wait_for_load_state("load")
    assert h1(officer) == "Are these the same person?"
    assert_accessible(officer, "a pair to review")
    pair_url = officer.url
    officer.get_by_label("Yes, the same person").check()
    officer.get_by_role("button", name="Save decision").click()
    officer.wait_for_load_state("load")
    # A link can be undone: from the pair, to the person index entry, to the undo page.
    officer.goto(pair_url)
    officer.get_by_role("link", name="See the linked person").click()
    officer.wait_for_load_state("load")
    assert h1(officer) == "Person index entry"
    assert_accessible(officer, "a person index entry")
    officer.get_by_role("link", name=re.compile("^Undo this link")).first.click()
    officer.wait_for_load_state("load")
    assert h1(officer) == "Undo a link"
    assert_accessible(officer, "the undo page")
    officer.get_by_label("Why are you undoing this link?").fill("Twins: two people")
    officer.get_by_role("button", name="Undo the link").click()
    officer.wait_for_load_state("load")
    expect(officer.get_by_text("Undone").first).to_be_visible()
    officer.goto("/person-index/addresses/")
    assert_accessible(officer, "the address review queue")

    # The teacher types the boy's details: the candidate appears, with who knows him.
    teacher = new_context().new_page()
    sign_in_by_keyboard(teacher, e2e_server.accounts["teacher"], codes)
    teacher.goto("/referrals/start/")
    teacher.get_by_role("button", name="Start now").click()
    teacher.wait_for_load_state("load")
    teacher.get_by_role("link", name="People of concern", exact=True).click()
    teacher.wait_for_load_state("load")
    teacher.get_by_role("group", name="What is their part in this?").get_by_label(
        "Person at risk"
    ).check()
    script_errors: list[str] = []
    teacher.on("pageerror", lambda exc: script_errors.append(str(exc)))
    teacher.get_by_label("First name").fill("Jayden")
    teacher.get_by_label("Last name").fill("Smith-Okoro")
    born = teacher.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").focus()  # leaving the name asks (decision 0072: not every key)
    # The server has no index for the new model yet: its first lookup starts building one
    # in the background and the panel says so (decision 0043), and the form goes on.
    panel = teacher.locator("[data-linkage-matches]")
    panel.get_by_text("is starting and will be available shortly").wait_for(timeout=30_000)
    assert "You can carry on with the referral" in panel.inner_text()
    assert_accessible(teacher, "the person page while the check is starting")
    born.get_by_label("Day").fill("3")
    born.get_by_label("Month").fill("7")
    born.get_by_label("Year").fill("2010")
    born.get_by_label("Year").press("Tab")
    panel.get_by_text("may already be known to the partnership").wait_for(timeout=60_000)
    assert not script_errors, script_errors
    told = panel.inner_text()
    assert "Triage team, Northbrook Exploitation Hub" in told
    # a referrer is never told which agency knows him, whom to call there, or what agreed
    assert "Northbrook Police" not in told and "DC Amy Lord" not in told
    assert "likely" not in told and "What agreed" not in told
    assert_accessible(teacher, "the person page with the answer")
    teacher.get_by_role("button", name="Save person").click()
    teacher.wait_for_load_state("load")
    assert h1(teacher) == "You have added 1 person"
    expect(teacher.get_by_text("may already be known to the partnership").first).to_be_visible()
    assert "DC Amy Lord" not in teacher.content()
    assert_accessible(teacher, "the people page with the answer")
