"""The referral pages with the test client: the whole journey, errors, and who sees what."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.people.models import Person
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject
from nestguard.referrals.tests.helpers import complete_draft, submitted

pytestmark = pytest.mark.django_db

PERSON_FORM = {
    "role": "victim",
    "given_name": "Alex",
    "family_name": "Testperson",
    "aliases": "Al, Lexi",
    "date_of_birth_day": "2",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1961",
    "age_estimate": "",
    "description": "",
}


def url(name: str, referral: Referral | None = None, **kwargs: Any) -> str:
    if referral is not None:
        kwargs["pk"] = referral.pk
    return reverse(f"referrals:{name}", kwargs=kwargs or None)


def test_the_whole_journey_from_start_to_outcome(personas, client_for) -> None:
    referrer = client_for("referrer")
    start = referrer.get(url("start"))
    assert start.status_code == 200
    assert b"call 999 now" in start.content

    response = referrer.post(url("start"))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == url("task_list", referral)
    tasks = referrer.get(url("task_list", referral)).content.decode()
    assert "govuk-task-list" in tasks and "You have completed 0 of 6 sections" in tasks
    assert "Cannot start yet" in tasks

    assert (
        referrer.post(
            url("your_details", referral), {"job_title": "Head of year", "phone": "01632 960 001"}
        ).status_code
        == 302
    )
    assert referrer.get(url("people", referral))["Location"] == url("person_add", referral)
    response = referrer.post(url("person_add", referral), PERSON_FORM)
    assert response["Location"] == url("people", referral)
    people = referrer.get(url("people", referral)).content.decode()
    assert "You have added 1 person" in people and "Alex" in people
    response = referrer.post(url("people", referral), {"add_another": "no"})
    assert response["Location"] == url("task_list", referral)
    assert (
        referrer.post(
            url("address", referral),
            {"line1": "14 Testing Street", "town": "Northbrook", "postcode": "nb12ab"},
        ).status_code
        == 302
    )
    response = referrer.post(url("concerns", referral), {"concern_types": ["cuckooing"]})
    assert response["Location"] == url("signs", referral)
    signs = referrer.get(url("signs", referral)).content.decode()
    assert "Signs at the home" in signs and "Why the adult may be at risk" in signs
    assert "Carrying weapons" not in signs  # a child exploitation sign, not offered here
    assert (
        referrer.post(
            url("signs", referral),
            {
                "indicators": ["unfamiliar_visitors", "refuses_entry_keys"],
                "signs_text": "<b>Loud</b>",
            },
        ).status_code
        == 302
    )
    assert referrer.post(url("urgency", referral), {"urgency": "high"}).status_code == 302
    assert (
        referrer.post(
            url("consent", referral),
            {
                "lawful_basis": "safeguarding_sch1_para18",
                "consent": "refused",
                "consent_reason": "would_prejudice",
            },
        ).status_code
        == 302
    )
    tasks = referrer.get(url("task_list", referral)).content.decode()
    assert "You have completed 6 of 6 sections" in tasks
    assert url("check", referral) in tasks

    check = referrer.get(url("check", referral)).content.decode()
    assert "Check your answers before sending your referral" in check
    assert "Alex Testperson" in check and "Unfamiliar people coming and going" in check
    assert "&lt;b&gt;Loud&lt;/b&gt;" in check and "<b>Loud</b>" not in check
    assert f"{url('address', referral)}?next=check" in check
    response = referrer.post(url("check", referral))
    assert response["Location"] == url("confirmation", referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    sent = referrer.get(url("confirmation", referral)).content.decode()
    assert "govuk-panel--confirmation" in sent and referral.reference in sent

    owner = client_for("owner")
    queue = owner.get(url("triage_queue")).content.decode()
    assert referral.reference in queue and "working days left" in queue
    detail = owner.get(url("detail", referral)).content.decode()
    person = referral.subjects.get().person
    assert reverse("people:detail", kwargs={"pk": person.pk}) in detail
    assert reverse("places:detail", kwargs={"pk": referral.address_id}) in detail
    assert "Lexi" in detail and "01632 960 001" in detail
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()
    form = owner.get(url("triage", referral)).content.decode()
    assert 'data-aria-controls="conditional-decline"' in form
    response = owner.post(
        url("triage", referral),
        {
            "decision": "decline",
            "reason_code": "already_supported",
            "reason": "Adult social care already visit daily; we have told them.",
        },
    )
    assert response["Location"] == url("triage_queue")

    mine = referrer.get(url("mine")).content.decode()
    assert referral.reference in mine and "Declined" in mine
    assert "Already supported by another service" in mine and ">New<" in mine
    status = referrer.get(url("status", referral)).content.decode()
    assert "govuk-notification-banner" in status and "has decided on your referral" in status
    assert "Adult social care already visit daily" in status
    assert "What you sent" in status and "Alex Testperson" in status
    again = referrer.get(url("status", referral)).content.decode()
    assert "has decided on your referral" not in again
    assert "Adult social care already visit daily" in again
    assert ">New<" not in referrer.get(url("mine")).content.decode()
    assert AuditEvent.objects.filter(action="referral.status_view").count() == 2


def test_accepting_opens_the_case_and_the_referrer_sees_no_case(personas, client_for) -> None:
    referral = submitted(personas.referrer)
    response = client_for("owner").post(url("triage", referral), {"decision": "accept"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case is not None
    status = client_for("referrer").get(url("status", referral)).content.decode()
    assert "opened a case" in status and referral.case.reference not in status


def test_merge_by_case_reference(personas, client_for) -> None:
    first = submitted(personas.referrer)
    services.referral_triage(actor=personas.owner, referral=first, decision="accept")
    first.refresh_from_db()
    second = submitted(personas.referrer)
    owner = client_for("owner")
    form = owner.get(url("triage", second)).content.decode()
    assert f"Open cases you can see at this address: {first.case.reference}" in form
    response = owner.post(
        url("triage", second), {"decision": "merge", "case_reference": "CASE-999999"}
    )
    assert response.status_code == 200
    assert "There is no case with that reference that you can see" in response.content.decode()
    response = owner.post(
        url("triage", second),
        {"decision": "merge", "case_reference": first.case.reference.lower()},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ReferralStatus.MERGED and second.case == first.case


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a decision"),
        ({"decision": "decline", "reason": "No"}, "Select why you are declining"),
        ({"decision": "decline", "reason_code": "duplicate"}, "Explain in words"),
        ({"decision": "redirect", "reason": "MASH"}, "Select the service"),
        ({"decision": "merge"}, "Enter the reference of the case"),
        ({"decision": "accept", "reason": "x" * 5001}, "5000 characters or fewer"),
    ],
)
def test_bad_triage_decisions_show_errors_and_write_nothing(
    personas, client_for, data, message
) -> None:
    referral = submitted(personas.referrer)
    response = client_for("owner").post(url("triage", referral), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert "<title>Error:" in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


SECTION_ERRORS = [
    ("your_details", {"job_title": "", "phone": "01632 960 001"}, "Enter your job title"),
    ("your_details", {"job_title": "Teacher", "phone": "ring me"}, "Enter a telephone number"),
    ("your_details", {"job_title": "x" * 201, "phone": "01632 960 001"}, "200 characters"),
    ("person_add", {**PERSON_FORM, "role": ""}, "Select the person&#x27;s role"),
    ("person_add", {**PERSON_FORM, "role": "boss"}, "Select the person&#x27;s role"),
    (
        "person_add",
        {**PERSON_FORM, "date_of_birth_day": "31", "date_of_birth_month": "2"},
        "must be a real date",
    ),
    ("person_add", {**PERSON_FORM, "date_of_birth_year": "2999"}, "today or in the past"),
    ("person_add", {**PERSON_FORM, "date_of_birth_year": "61"}, "Year must include 4 numbers"),
    ("person_add", {**PERSON_FORM, "age_estimate": "twelve"}, "whole number of years"),
    ("person_add", {**PERSON_FORM, "age_estimate": "30"}, "not both"),
    (
        "person_add",
        {**PERSON_FORM, "given_name": "", "family_name": ""},
        "Enter the person&#x27;s first or last name",
    ),
    ("person_add", {**PERSON_FORM, "description": "x" * 2001}, "2000 characters or fewer"),
    ("address", {"line1": "", "town": "Northbrook", "postcode": "NB1 2AB"}, "Enter address line 1"),
    ("address", {"line1": "1 A Road", "town": "Northbrook", "postcode": "12345"}, "UK postcode"),
    ("address", {"not_known": "on", "not_known_reason": ""}, "Say why there is no address"),
    ("concerns", {}, "Select at least one kind of exploitation"),
    ("concerns", {"concern_types": ["burglary"]}, "Select the kinds of exploitation"),
    ("urgency", {}, "Select how urgent this is"),
    ("urgency", {"urgency": "now"}, "Select how urgent this is"),
    ("consent", {"consent": "given"}, "Select the lawful basis"),
    (
        "consent",
        {"lawful_basis": "public_task", "consent": "refused"},
        "Select why you are referring without",
    ),
    (
        "consent",
        {"lawful_basis": "consent", "consent": "refused", "consent_reason": "cannot_give"},
        "Consent cannot be the lawful basis",
    ),
]


@pytest.mark.parametrize(("page", "data", "message"), SECTION_ERRORS)
def test_bad_section_input_shows_the_error_summary_and_writes_nothing(
    personas, client_for, page, data, message
) -> None:
    referral = services.referral_start(actor=personas.referrer)
    events = AuditEvent.objects.count()
    response = client_for("referrer").post(url(page, referral), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert "<title>Error:" in body and "govuk-form-group--error" in body
    referral.refresh_from_db()
    assert referral.sections_completed == [] and ReferralSubject.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_signs_need_a_sign_or_words(personas, client_for) -> None:
    referral = services.referral_start(actor=personas.referrer)
    services.referral_concern_types_choose(
        actor=personas.referrer, referral=referral, concern_types=["cce"]
    )
    client = client_for("referrer")
    body = client.post(url("signs", referral), {"signs_text": ""}).content.decode()
    assert "Select the signs you saw, or describe what you saw" in body
    body = client.post(url("signs", referral), {"indicators": ["made_up"]}).content.decode()
    assert "Select the signs from the list" in body
    referral.refresh_from_db()
    assert "concerns" not in referral.sections_completed


def test_check_page_lists_incomplete_sections(personas, client_for) -> None:
    referral = services.referral_start(actor=personas.referrer)
    client = client_for("referrer")
    assert client.get(url("check", referral))["Location"] == url("task_list", referral)
    body = client.post(url("check", referral)).content.decode()
    assert "There is a problem" in body
    assert "Complete the section: People of concern" in body
    assert 'href="#section-people"' in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and Person.objects.count() == 0


def test_change_links_come_back_to_the_check_page(personas, client_for) -> None:
    referral = complete_draft(personas.referrer)
    client = client_for("referrer")
    response = client.post(
        url("urgency", referral) + "?next=check", {"urgency": "low"}, follow=False
    )
    assert response["Location"] == url("check", referral)
    response = client.post(url("concerns", referral) + "?next=check", {"concern_types": ["cce"]})
    assert response["Location"] == url("signs", referral) + "?next=check"
    response = client.post(
        url("signs", referral) + "?next=check", {"indicators": ["missing_out_of_area"]}
    )
    assert response["Location"] == url("check", referral)


def test_removing_a_person(personas, client_for) -> None:
    referral = complete_draft(personas.referrer)
    subject = referral.subjects.get()
    client = client_for("referrer")
    page = client.get(url("person_remove", referral, subject_pk=subject.pk)).content.decode()
    assert "Are you sure you want to remove Alex Testperson?" in page
    response = client.post(
        url("person_remove", referral, subject_pk=subject.pk), {"confirm": "yes"}
    )
    assert response["Location"] == url("task_list", referral)
    assert ReferralSubject.objects.count() == 0


def test_submitted_referrals_cannot_be_edited_through_the_pages(personas, client_for) -> None:
    referral = submitted(personas.referrer)
    client = client_for("referrer")
    response = client.post(url("urgency", referral), {"urgency": "low"})
    assert response["Location"] == url("status", referral)
    referral.refresh_from_db()
    assert referral.urgency == "medium"


# ---------------------------------------------------------------------------------------------
# Who sees what


OWN_PAGES = [
    "task_list",
    "your_details",
    "people",
    "person_add",
    "address",
    "concerns",
    "signs",
    "urgency",
    "consent",
    "check",
    "confirmation",
    "status",
]


@pytest.mark.parametrize("page", OWN_PAGES)
def test_another_persons_referral_answers_404(personas, client_for, page) -> None:
    draft = complete_draft(personas.partner)
    sent = submitted(personas.partner)
    for referral in (draft, sent):
        assert client_for("referrer").get(url(page, referral)).status_code == 404
        assert client_for("owner").get(url(page, referral)).status_code == 404


def test_someone_elses_person_page_answers_404(personas, client_for) -> None:
    referral = complete_draft(personas.partner)
    subject = referral.subjects.get()
    for page in ("person_change", "person_remove"):
        response = client_for("referrer").get(url(page, referral, subject_pk=subject.pk))
        assert response.status_code == 404
    mine = complete_draft(personas.referrer)
    response = client_for("referrer").get(url("person_change", mine, subject_pk=subject.pk))
    assert response.status_code == 404


def test_a_referrer_never_sees_the_queue_or_a_referral_in_full(personas, client_for) -> None:
    referral = submitted(personas.referrer)
    client = client_for("referrer")
    assert client.get(url("triage_queue")).status_code == 403
    assert client.get(url("detail", referral)).status_code == 403
    assert client.get(url("triage", referral)).status_code == 403
    assert not AuditEvent.objects.filter(action="referral.view").exists()


@pytest.mark.parametrize("page", ["detail", "triage"])
def test_a_caseworker_outside_the_route_gets_404(personas, client_for, page) -> None:
    referral = submitted(personas.referrer)
    assert client_for("outsider").get(url(page, referral)).status_code == 404
    assert client_for("partner").get(url(page, referral)).status_code == 404
    assert client_for("owner").get(url(page, referral)).status_code == 200


@pytest.mark.parametrize("name", ["auditor", "admin"])
def test_roles_without_referring_cannot_start(client_for, name) -> None:
    assert client_for(name).get(url("start")).status_code == 403
    assert client_for(name).post(url("start")).status_code == 403
    assert Referral.objects.count() == 0


def test_drafts_are_not_in_the_queue_and_mine_shows_only_mine(personas, client_for) -> None:
    draft = complete_draft(personas.referrer)
    other = submitted(personas.partner)
    queue = client_for("owner").get(url("triage_queue")).content.decode()
    assert draft.reference not in queue and other.reference in queue
    mine = client_for("referrer").get(url("mine")).content.decode()
    assert draft.reference in mine and other.reference not in mine


# ---------------------------------------------------------------------------------------------
# The queue


def test_queue_orders_by_urgency_then_due_and_marks_overdue(personas, client_for) -> None:
    now = timezone.now()
    late_low = submitted(personas.referrer, urgency="low", submitted_at=now - timedelta(days=30))
    soon_high = submitted(personas.referrer, urgency="high", submitted_at=now - timedelta(days=1))
    later_high = submitted(personas.referrer, urgency="high", submitted_at=now)
    body = client_for("owner").get(url("triage_queue")).content.decode()
    order = [body.index(r.reference) for r in (soon_high, later_high, late_low)]
    assert order == sorted(order)
    assert "1 referral is past its due date" in body
    assert body.count('govuk-tag--red">Overdue<') == 2  # the count and the row


def test_queue_filters_by_concern_type(personas, client_for) -> None:
    cce = submitted(
        personas.referrer,
        concerns={"concern_types": ["cce", "county_lines"], "indicators": ["carrying_weapons"]},
    )
    cuckooing = submitted(personas.referrer)
    body = client_for("owner").get(url("triage_queue") + "?concern=cce").content.decode()
    assert cce.reference in body and cuckooing.reference not in body
    body = client_for("owner").get(url("triage_queue") + "?concern=county_lines").content.decode()
    assert cce.reference in body and cuckooing.reference not in body
    body = client_for("owner").get(url("triage_queue") + "?concern=nonsense").content.decode()
    assert cce.reference in body and cuckooing.reference in body


def _make(personas: Any, count: int) -> None:
    for _ in range(count):
        submitted(personas.referrer)


@pytest.mark.parametrize("count", [3, 30])
def test_queue_queries_do_not_grow_with_rows(
    personas, client_for, django_assert_max_num_queries, count
) -> None:
    _make(personas, count)
    client = client_for("owner")
    with django_assert_max_num_queries(11):
        response = client.get(url("triage_queue"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_my_referrals_queries_do_not_grow_with_rows(
    personas, client_for, django_assert_max_num_queries, count
) -> None:
    _make(personas, count)
    client = client_for("referrer")
    with django_assert_max_num_queries(10):
        response = client.get(url("mine"))
    assert response.status_code == 200


def test_queue_is_paginated(personas, client_for) -> None:
    _make(personas, 26)
    client = client_for("owner")
    first = client.get(url("triage_queue")).content.decode()
    # Keyset pages: next and previous links, no total to count (decision 0081).
    following = re.search(r'href="\?page=([^"]+)" rel="next"', first)
    assert following is not None and "26 referrals" not in first
    second = client.get(url("triage_queue") + f"?page={following[1]}").content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second


# ---------------------------------------------------------------------------------------------
# Page structure the browser checks rely on: one h1, unique ids, no inline style or script


def _structure_problems(html: str) -> list[str]:
    problems = []
    if html.count("<h1") != 1:
        problems.append(f"{html.count('<h1')} h1 elements")
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    if re.search(r"\sstyle=", html):
        problems.append("inline style attribute")
    if re.search(r"<script(?![^>]*\ssrc=)", html):
        problems.append("inline script")
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"heading level skips from h{before} to h{after}")
    return problems


def test_every_page_has_one_h1_unique_ids_and_no_inline_code(personas, client_for) -> None:
    referrer, owner = client_for("referrer"), client_for("owner")
    draft = complete_draft(personas.referrer)
    subject = draft.subjects.get()
    sent = submitted(personas.referrer)
    decided = submitted(personas.referrer)
    services.referral_triage(
        actor=personas.owner,
        referral=decided,
        decision="decline",
        reason_code="duplicate",
        reason="Already with us",
    )
    pages = [
        (referrer, "get", url("start"), {}),
        (referrer, "get", url("mine"), {}),
        (referrer, "get", url("task_list", draft), {}),
        (referrer, "get", url("check", draft), {}),
        (referrer, "get", url("people", draft), {}),
        (referrer, "get", url("person_change", draft, subject_pk=subject.pk), {}),
        (referrer, "get", url("person_remove", draft, subject_pk=subject.pk), {}),
        (referrer, "get", url("confirmation", sent), {}),
        (referrer, "get", url("status", sent), {}),
        (referrer, "get", url("status", decided), {}),
        (owner, "get", url("triage_queue"), {}),
        (owner, "get", url("detail", sent), {}),
        (owner, "get", url("detail", decided), {}),
        (owner, "get", url("triage", sent), {}),
        (owner, "post", url("triage", sent), {"decision": "merge"}),
        (owner, "post", url("triage", sent), {"decision": "decline"}),
    ]
    for page, data, _ in [(p, d, m) for p, d, m in SECTION_ERRORS]:
        pages.append((referrer, "get", url(page, draft), {}))
        pages.append((referrer, "post", url(page, draft), data))
    pages.append((referrer, "get", url("signs", draft), {}))
    pages.append((referrer, "post", url("signs", draft), {}))
    failures = []
    for client, method, path, data in pages:
        response = getattr(client, method)(path, data)
        assert response.status_code == 200, (path, response.status_code)
        failures += [
            f"{method} {path}: {p}" for p in _structure_problems(response.content.decode())
        ]
    assert not failures, "\n".join(failures)
