"""The case pages with the test client: who reaches what, what each page shows, and that a bad
submit shows the error summary and writes nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.cases.models import (
    CaseAddress,
    CaseStatus,
    CaseTeamAgency,
    CaseTeamUser,
    ChronologyEntry,
    Intervention,
)
from nestguard.cases.services.interventions import intervention_add
from nestguard.cases.services.work import case_note_add, case_status_change
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.risk.models import RiskAssessment
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import CCE, answers_totalling
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def today() -> date:
    """The UK day at the test's (frozen) instant: never the day the module was imported."""
    return timezone.localdate()


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def written() -> dict[str, int]:
    return {
        "chronology": ChronologyEntry.objects.count(),
        "interventions": Intervention.objects.count(),
        "team_users": CaseTeamUser.objects.count(),
        "team_agencies": CaseTeamAgency.objects.count(),
        "assessments": RiskAssessment.objects.count(),
        "audit_writes": AuditEvent.objects.exclude(action__in=["case.view", "case.list"]).count(),
    }


def assert_error_page(response, *messages: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    body = html(response)
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert "<title>Error: " in body
    for message in messages:
        assert message in body, message


# The list ------------------------------------------------------------------------------------


def test_the_list_shows_visible_cases_only(personas, world, client_for):
    hidden = make_case(personas.outsider, summary="Outsider's own case")
    body = html(client_for("owner").get("/cases/"))
    assert world.case.reference in body and hidden.reference not in body
    assert "Alex Testperson" in body and "(victim)" in body
    assert "Northbrook Exploitation Hub" in body
    assert "Not assessed" in body
    partner = html(client_for("partner").get("/cases/"))
    assert world.case.reference in partner
    outsider = html(client_for("outsider").get("/cases/"))
    assert world.case.reference not in outsider and hidden.reference in outsider


@pytest.mark.parametrize("name", ["referrer", "auditor", "admin"])
def test_the_list_needs_a_casework_role(client_for, personas, name):
    assert client_for(name).get("/cases/").status_code == 403


def test_the_list_filters(personas, world, client_for):
    other = make_case(personas.owner, summary="Second")
    case_status_change(actor=personas.owner, case=other, status="monitoring", reason="Quiet")
    assessment_record(
        actor=personas.owner,
        case=world.case,
        instrument="cce_child",
        stage="initial",
        answers=answers_totalling(CCE, 40),
    )
    client = client_for("owner")

    def refs(query: str) -> set[str]:
        body = html(client.get("/cases/" + query))
        return {r for r in (world.case.reference, other.reference) if r in body}

    assert refs("") == {world.case.reference, other.reference}
    assert refs("?status=monitoring") == {other.reference}
    assert refs("?status=open") == {world.case.reference}
    assert refs("?risk_band=high") == {world.case.reference}
    assert refs("?risk_band=none") == {other.reference}
    assert refs("?concern=cuckooing") == {world.case.reference, other.reference}
    assert refs("?concern=cce") == set()
    assert refs("?mine=on") == {world.case.reference, other.reference}
    supervisor = html(client_for("supervisor").get("/cases/?mine=on"))
    assert world.case.reference not in supervisor
    assert world.case.reference in html(client_for("supervisor").get("/cases/"))


def test_the_list_rejects_unknown_filter_values(personas, world, client_for):
    response = client_for("owner").get("/cases/?status=sleeping")
    assert_error_page(response, "Select a valid choice")


def test_the_list_marks_overdue_reviews_and_shows_the_risk(personas, world, client_for):
    assessment_record(
        actor=personas.owner,
        case=world.case,
        instrument="cce_child",
        stage="initial",
        answers=answers_totalling(CCE, 25),
    )
    body = html(client_for("owner").get("/cases/"))
    assert "govuk-tag--orange" in body and "Medium" in body and "Overdue" not in body
    world.case.next_review_on = today() - timedelta(days=1)
    world.case.save(update_fields=["next_review_on"])
    assert "Overdue" in html(client_for("owner").get("/cases/"))


def test_the_list_is_paginated_by_50_by_keyset_and_audited(personas, client_for):
    for n in range(51):
        make_case(personas.owner, summary=f"Case {n}")
    client = client_for("owner")
    first = html(client.get("/cases/"))
    shown_first = set(re.findall(r'href="/cases/([0-9a-f-]{36})/"', first))
    assert len(shown_first) == 50 and "Previous" not in first
    # Next and previous links, no page numbers and no total (decision 0081).
    following = re.search(r'href="\?page=([^"]+)" rel="next"', first)
    assert following is not None and "51 cases" not in first
    second = html(client.get(f"/cases/?page={following[1]}"))
    shown_second = set(re.findall(r'href="/cases/([0-9a-f-]{36})/"', second))
    assert len(shown_second) == 1 and not shown_second & shown_first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    event = AuditEvent.objects.filter(action="case.list").order_by("-id").first()
    assert event is not None and len(event.details["shown"]) == 1
    back = re.search(r'href="\?page=([^"]+)" rel="prev"', second)
    assert back is not None
    again = html(client.get(f"/cases/?page={back[1]}"))
    assert set(re.findall(r'href="/cases/([0-9a-f-]{36})/"', again)) == shown_first


def test_a_cursor_that_does_not_verify_gives_the_first_page(personas, client_for):
    make_case(personas.owner, summary="Only case")
    response = client_for("owner").get("/cases/?page=2")
    assert response.status_code == 200
    assert len(re.findall(r'href="/cases/([0-9a-f-]{36})/"', html(response))) == 1


def test_the_list_shows_text_escaped(personas, client_for):
    case = make_case(personas.owner)
    add_person(personas.owner, case, given_name="<b>Bold</b>", family_name="Name")
    body = html(client_for("owner").get("/cases/"))
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body and "<b>Bold</b>" not in body


# The detail page -----------------------------------------------------------------------------


# Pinned to a ticking instant: at the rotation's 23:59:59 instants the clock stands still and
# this test's records share one timestamp (seen in CI on 4 December 2026; to be made
# order-independent).
@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))
def test_the_detail_page_shows_the_whole_case(personas, world, client_for):
    address = AddressFactory(line1="Flat 2, 5 Example Road", postcode="NB1 2AB")
    CaseAddress.objects.create(case=world.case, address=address, description="Victim's home")
    add_person(
        personas.owner,
        world.case,
        role="suspected_exploiter",
        given_name="Tee",
        family_name="Example",
    )
    intervention_add(
        actor=personas.owner,
        case=world.case,
        type="target_hardening",
        owner=personas.owner,
        starts_on=today() - timedelta(days=30),
        due_on=today() - timedelta(days=1),
    )
    case_note_add(actor=personas.owner, case=world.case, text="First note")
    case_note_add(actor=personas.owner, case=world.case, text="Second <em>note</em>")
    record = assessment_record(
        actor=personas.owner,
        case=world.case,
        instrument="cce_child",
        stage="initial",
        answers=answers_totalling(CCE, 33),
        judgement_adjustment=3,
        judgement_reason="Threats made to his mother",
    )
    response = client_for("owner").get(f"/cases/{world.case.pk}/")
    assert response.status_code == 200
    body = html(response)
    assert f"/people/{world.victim.pk}/" in body
    assert f"/addresses/{address.pk}/" in body and "Flat 2, 5 Example Road" in body
    assert "Victim" in body and "Suspected exploiter" in body
    assert "Northbrook Police" in body  # partner agency on the team
    assert "High" in body and "36 out of 54" in body
    assert "+3" in body and "Threats made to his mother" in body
    assert "First assessment" in body
    assert record.next_review_on.strftime("%-d %B %Y") in body
    assert "What each item contributed" in body and "Missing episodes" in body
    assert "Target hardening" in body and "Overdue" in body
    assert body.index("Second &lt;em&gt;note&lt;/em&gt;") < body.index("First note")
    for action in [
        "Add a note",
        "Record an intervention",
        "Assess risk",
        "Close the case",
        "Add a team member",
        "Add a partner agency",
        "Change the status",
    ]:
        assert action in body, action
    event = AuditEvent.objects.filter(action="case.view").order_by("-id").first()
    assert event is not None and event.object_id == str(world.case.pk)
    assert event.actor == personas.owner


def test_one_person_with_two_roles_shows_once_with_both(personas, world, client_for):
    from nestguard.cases.services.work import case_subject_add

    case_subject_add(
        actor=personas.owner, case=world.case, person=world.victim, role="suspected_exploiter"
    )
    body = html(client_for("owner").get(f"/cases/{world.case.pk}/"))
    assert body.count(f'href="/people/{world.victim.pk}/"') == 1
    assert "Victim</strong>" in body and "Suspected exploiter</strong>" in body


def test_a_partner_sees_the_case_but_not_the_editing_actions(personas, world, client_for):
    body = html(client_for("partner").get(f"/cases/{world.case.pk}/"))
    assert "Add a note" in body and "Record an intervention" in body
    for action in ["Close the case", "Assess risk", "Add a team member", "Change the status"]:
        assert action not in body, action


@pytest.mark.parametrize(
    ("name", "status"), [("outsider", 404), ("referrer", 403), ("auditor", 403), ("admin", 403)]
)
def test_others_cannot_reach_the_case(personas, world, client_for, name, status):
    assert client_for(name).get(f"/cases/{world.case.pk}/").status_code == status


def test_a_missing_case_is_404_like_an_unseen_one(client_for, personas):
    import uuid

    assert client_for("owner").get(f"/cases/{uuid.uuid4()}/").status_code == 404


# Action pages --------------------------------------------------------------------------------

ACTION_PAGES = [
    "notes/add/",
    "team/users/add/",
    "team/agencies/add/",
    "people/add/",
    "people/role/",
    "lead/",
    "status/",
    "interventions/add/",
    "close/",
]


@pytest.mark.parametrize("page", ACTION_PAGES)
def test_action_pages_render_for_the_owner_and_are_404_for_the_outsider(
    personas, world, client_for, page
):
    response = client_for("owner").get(f"/cases/{world.case.pk}/{page}")
    assert response.status_code == 200
    assert "novalidate" in html(response) and "Case " + world.case.reference in html(response)
    assert client_for("outsider").get(f"/cases/{world.case.pk}/{page}").status_code == 404


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("notes/add/", 200),
        ("interventions/add/", 200),
        ("close/", 403),
        ("status/", 403),
        ("team/users/add/", 403),
        ("lead/", 403),
        ("people/add/", 403),
    ],
)
def test_what_a_partner_may_open(personas, world, client_for, page, status):
    assert client_for("partner").get(f"/cases/{world.case.pk}/{page}").status_code == status


# (page, bad data, messages shown)
BAD_SUBMITS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("notes/add/", {"text": ""}, ["Enter the note"]),
    ("notes/add/", {"text": "x" * 10001}, ["Note must be 10,000 characters or fewer"]),
    ("notes/add/", {"text": "bell\x07"}, ["must not contain control characters"]),
    ("team/users/add/", {"user": ""}, ["Choose who to add to the case team"]),
    ("team/users/add/", {"user": "not-a-user"}, ["Select a valid choice"]),
    ("team/agencies/add/", {"agency": ""}, ["Choose the agency to add to the case team"]),
    ("people/add/", {"role": "", "given_name": ""}, ["Choose the person&#x27;s role"]),
    ("people/add/", {"role": "victim"}, ["Enter the person&#x27;s name"]),
    (
        "people/add/",
        {
            "role": "victim",
            "given_name": "A",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2010",
        },
        ["Date of birth must be a real date"],
    ),
    (
        "people/add/",
        {
            "role": "victim",
            "given_name": "A",
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "2999",
        },
        ["Date of birth must be today or in the past"],
    ),
    (
        "people/add/",
        {"role": "victim", "given_name": "A", "age_estimate": "old"},
        ["Age estimate must be a number"],
    ),
    ("people/role/", {"person": "", "role": "boss"}, ["Choose the person"]),
    ("status/", {"status": "open", "reason": "x"}, ["The case is already open"]),
    ("status/", {"status": "closed", "reason": "x"}, ["Select a valid choice"]),
    ("status/", {"status": "monitoring", "reason": ""}, ["Enter the reason for the change"]),
    ("lead/", {"lead_worker": ""}, ["Choose the new lead worker"]),
    ("interventions/add/", {}, ["Choose the type of intervention", "Enter the start date"]),
    (
        "interventions/add/",
        {
            "type": "safety_plan",
            "starts_on_day": "1",
            "starts_on_month": "13",
            "starts_on_year": "2026",
        },
        ["Start date must be a real date", "Choose who owns the intervention"],
    ),
    (
        "close/",
        {},
        [
            "Choose at least one outcome",
            "Choose how the case was resolved",
            "Enter a closing summary",
        ],
    ),
    (
        "close/",
        {"outcomes": ["vanished"], "resolution": "positively_resolved", "summary": "x"},
        ["Choose outcomes from the list"],
    ),
]


@pytest.mark.parametrize(("page", "data", "messages"), BAD_SUBMITS)
def test_a_bad_submit_shows_the_error_summary_and_writes_nothing(
    personas, world, client_for, page, data, messages
):
    client = client_for("owner")
    before = written()
    response = client.post(f"/cases/{world.case.pk}/{page}", data)
    assert_error_page(response, *messages)
    assert written() == before
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_add_a_note_through_the_page(personas, world, client_for):
    response = client_for("partner").post(
        f"/cases/{world.case.pk}/notes/add/", {"text": "Seen at the flat at 2am"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{world.case.pk}/"
    assert ChronologyEntry.objects.filter(
        case=world.case, kind="note", text="Seen at the flat at 2am", author=personas.partner
    ).exists()


def test_team_pages_add_and_remove(personas, world, client_for):
    client = client_for("owner")
    page = html(client.get(f"/cases/{world.case.pk}/team/agencies/add/"))
    assert "Northbrook Academy" in page  # under the agreement, not yet on the team
    assert "Elsewhere Housing Association" in page  # listed as having no agreement
    response = client.post(
        f"/cases/{world.case.pk}/team/agencies/add/", {"agency": str(personas.school.pk)}
    )
    assert response.status_code == 302
    response = client.post(
        f"/cases/{world.case.pk}/team/agencies/add/", {"agency": str(personas.outsider_agency.pk)}
    )
    assert_error_page(response, "Select a valid choice")
    response = client.post(
        f"/cases/{world.case.pk}/team/users/add/", {"user": str(personas.partner.pk)}
    )
    assert response.status_code == 302
    assert CaseTeamUser.objects.filter(case=world.case, user=personas.partner).exists()
    remove = f"/cases/{world.case.pk}/team/users/{personas.partner.pk}/remove/"
    assert "Remove from team" in html(client.get(remove))
    assert client.post(remove, {}).status_code == 302
    assert not CaseTeamUser.objects.filter(case=world.case, user=personas.partner).exists()
    remove_agency = f"/cases/{world.case.pk}/team/agencies/{personas.school.pk}/remove/"
    assert client.post(remove_agency, {}).status_code == 302
    assert client.post(remove_agency, {}).status_code == 404


def test_removing_the_lead_worker_is_refused_with_a_message(personas, world, client_for):
    response = client_for("owner").post(
        f"/cases/{world.case.pk}/team/users/{personas.owner.pk}/remove/", {}
    )
    assert_error_page(response, "change the lead worker before removing them")


def test_add_people_through_the_pages(personas, world, client_for):
    client = client_for("owner")
    response = client.post(
        f"/cases/{world.case.pk}/people/add/",
        {
            "role": "suspected_exploiter",
            "identity_unknown": "on",
            "age_estimate": "19",
            "description": "Red jacket, called T",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/cases/{world.case.pk}/people/role/",
        {"person": str(world.victim.pk), "role": "suspected_exploiter"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/cases/{world.case.pk}/people/role/",
        {"person": str(world.victim.pk), "role": "victim"},
    )
    assert_error_page(response, "already named as victim")


def test_status_and_lead_through_the_pages(personas, world, client_for):
    client = client_for("owner")
    response = client.post(
        f"/cases/{world.case.pk}/status/", {"status": "monitoring", "reason": "Settled"}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "monitoring"
    response = client.post(
        f"/cases/{world.case.pk}/lead/", {"lead_worker": str(personas.partner.pk)}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.lead_agency == personas.police


def test_intervention_pages(personas, world, client_for):
    # Started on the 1st of this month: never after today, when it is completed below.
    # (1 November of this year was later than today from January to October.)
    started = timezone.localdate().replace(day=1)
    client = client_for("owner")
    response = client.post(
        f"/cases/{world.case.pk}/interventions/add/",
        {
            "type": "cpw",
            "owner": str(personas.partner.pk),
            "starts_on_day": "1",
            "starts_on_month": str(started.month),
            "starts_on_year": str(started.year),
            "due_on_day": "",
            "due_on_month": "",
            "due_on_year": "",
            "notes": "Warn the visitors",
        },
    )
    assert response.status_code == 302, html(response)
    item = Intervention.objects.get(case=world.case)
    assert (item.type, item.owner, item.starts_on) == (
        "cpw",
        personas.partner,
        started,
    )
    page = f"/cases/{world.case.pk}/interventions/{item.pk}/"
    before = written()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        page,
        {
            "status": "completed",
            "completed_on_day": str(tomorrow.day),
            "completed_on_month": str(tomorrow.month),
            "completed_on_year": str(tomorrow.year),
        },
    )
    assert_error_page(response, "The completion date must be today or in the past")
    assert written() == before
    response = client.post(page, {"status": "completed"})
    assert_error_page(response, "Enter the completion date")
    today = timezone.localdate()
    response = client.post(
        page,
        {
            "status": "completed",
            "completed_on_day": str(today.day),
            "completed_on_month": str(today.month),
            "completed_on_year": str(today.year),
            "notes": "Warning served",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.completed_on, item.notes) == ("completed", today, "Warning served")


def test_a_partner_may_only_own_their_interventions_on_the_page(personas, world, client_for):
    client = client_for("partner")
    page = html(client.get(f"/cases/{world.case.pk}/interventions/add/"))
    assert str(personas.partner.pk) in page and str(personas.owner.pk) not in page
    item = intervention_add(
        actor=personas.owner,
        case=world.case,
        type="safety_plan",
        owner=personas.owner,
        starts_on=today(),
    )
    assert client.get(f"/cases/{world.case.pk}/interventions/{item.pk}/").status_code == 403


def test_closing_page_lists_open_interventions_and_closes(personas, world, client_for):
    intervention_add(
        actor=personas.owner,
        case=world.case,
        type="safety_plan",
        owner=personas.owner,
        starts_on=today(),
    )
    client = client_for("owner")
    page = html(client.get(f"/cases/{world.case.pk}/close/"))
    assert "1 intervention is still open" in page and "Safety plan" in page
    assert 'type="checkbox"' in page and 'type="radio"' in page
    data = {
        "outcomes": ["moved", "warnings_issued"],
        "resolution": "positively_resolved",
        "summary": "Moved to a new tenancy",
    }
    before = written()
    response = client.post(f"/cases/{world.case.pk}/close/", data)
    assert_error_page(response, "Complete or cancel this intervention before closing")
    assert written() == before
    response = client.post(
        f"/cases/{world.case.pk}/close/", {**data, "cancel_open_interventions": "on"}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "closed" and world.case.outcomes == ["moved", "warnings_issued"]
    detail = html(client.get(f"/cases/{world.case.pk}/"))
    assert "Moved to another property or borough" in detail and "Reopen the case" in detail
    assert "Close the case" not in detail
    response = client.post(f"/cases/{world.case.pk}/close/", data)
    assert_error_page(response, "already closed")


def test_reopen_page(personas, world, client_for):
    from nestguard.cases.services.closing import case_close

    case_close(
        actor=personas.owner,
        case=world.case,
        outcomes=["moved"],
        resolution="not_resolved",
        summary="Lost contact",
    )
    client = client_for("owner")
    assert_error_page(
        client.post(f"/cases/{world.case.pk}/reopen/", {"reason": ""}),
        "Enter the reason for reopening the case",
    )
    assert client.post(f"/cases/{world.case.pk}/reopen/", {"reason": "Back"}).status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "open"


def test_open_a_case_without_a_referral(personas, client_for):
    client = client_for("partner")
    assert "Open a case" in html(client.get("/cases/new/"))
    assert_error_page(
        client.post("/cases/new/", {}), "Choose at least one type of concern", "Enter a summary"
    )
    response = client.post(
        "/cases/new/", {"concern_types": ["county_lines"], "summary": "Deal line intelligence"}
    )
    assert response.status_code == 302
    detail = html(client.get(response["Location"]))
    assert "Northbrook Police" in detail and "County lines" in detail
