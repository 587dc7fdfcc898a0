"""Two people, two browsers, one case, one moment: the hub worker and the police officer on
the case team both open "Change the status", both fill it in, and both press the button
together. The server (its own process, threads, and database: an SQLite file, or
PostgreSQL) lets exactly one save through; the other person sees the GOV.UK error summary
naming who changed the case and what, with what they typed still in the form
(docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import CodeClock, assert_accessible, sign_in_by_keyboard
from tests.e2e.test_places_journey import api

REFERRAL = {
    "referrer_phone": "01632 960 124",
    "referrer_job_title": "Safeguarding lead",
    "subjects": [
        {"role": "victim", "given_name": "Morgan", "family_name": "Twinfield",
         "date_of_birth": "1958-09-12"}
    ],
    "address": {"line1": "11 Quay Street", "town": "Northbrook", "postcode": "nb7 1aa"},
    "concern_types": ["cuckooing"],
    "indicators": ["unfamiliar_visitors"],
    "signs_text": "Two men staying; the resident seems frightened.",
    "urgency": "medium",
    "lawful_basis": "safeguarding_sch1_para18",
    "consent": "not_sought",
    "consent_reason": "would_prejudice",
}  # fmt: skip


def test_two_people_save_the_same_case_at_once_and_nothing_is_lost(
    e2e_server: Server, new_context: Any, codes: CodeClock
) -> None:
    teacher = e2e_server.nestguard("create_api_token", "--username", "teacher").strip()
    hub_token = e2e_server.nestguard("create_api_token", "--username", "hubworker").strip()
    referral = api(e2e_server, teacher, "/api/v1/referrals/", REFERRAL)
    triaged = api(
        e2e_server,
        hub_token,
        f"/api/v1/referrals/{referral['id']}/triage/",
        {"decision": "accept", "version": referral.get("version", 1)},
    )
    case_url = f"/cases/{triaged['case_id']}/"

    hub = new_context().new_page()
    sign_in_by_keyboard(hub, e2e_server.accounts["hubworker"], codes)
    hub.goto(f"{case_url}team/users/add/")
    officer_option = next(
        text
        for text in hub.locator("select[name=user] option").all_inner_texts()
        if text.startswith("Officer Tester")
    )
    hub.locator("select[name=user]").select_option(label=officer_option)
    hub.get_by_role("button", name="Add to team").click()
    expect(hub.get_by_text("Team member added")).to_be_visible()

    officer = new_context().new_page()
    sign_in_by_keyboard(officer, e2e_server.accounts["officer"], codes)
    typed = {hub: "Support plan agreed at the hub", officer: "Police visit found no one there"}
    for page, reason in typed.items():
        page.goto(f"{case_url}status/")
        page.get_by_label("Monitoring: work done").check()
        page.get_by_label("Reason").fill(reason)

    # Both press "Change status" without waiting for the other's answer.
    with hub.expect_navigation(), officer.expect_navigation():
        hub.get_by_role("button", name="Change status").click(no_wait_after=True)
        officer.get_by_role("button", name="Change status").click(no_wait_after=True)

    saved = [page for page in typed if page.url.endswith(case_url)]
    refused = [page for page in typed if page.url.endswith(f"{case_url}status/")]
    assert len(saved) == 1 and len(refused) == 1, [page.url for page in typed]
    winner, loser = saved[0], refused[0]
    expect(winner.get_by_text("Status changed", exact=True)).to_be_visible()
    winner_name = "Hubworker Tester" if winner is hub else "Officer Tester"

    summary = loser.locator(".govuk-error-summary").inner_text()
    assert f"This case was changed by {winner_name} at" in summary
    assert "Your changes have not been saved." in summary
    assert "Status was Open; it is now Monitoring." in summary
    assert loser.get_by_label("Reason").input_value() == typed[loser]  # nothing typed is lost
    assert_accessible(loser, "the status page refusing a save made over someone else's")

    # The chronology holds the winner's reason once, and not the loser's.
    loser.goto(case_url)
    page_text = loser.locator("main").inner_text()
    assert page_text.count(typed[winner]) == 1
    assert typed[loser] not in page_text
