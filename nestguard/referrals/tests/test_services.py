"""The referral services: every section's validation, submission and routing, the triage
clock, each triage decision and who may make it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.audit.models import AuditEvent
from nestguard.audit.verify import verify_chain
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import (
    Case,
    CaseAddress,
    CaseStatus,
    CaseSubject,
    CaseTeamUser,
    ChronologyEntry,
)
from nestguard.core.calendar import UK
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Alias, Person
from nestguard.places.models import Address
from nestguard.referrals import services
from nestguard.referrals.access_policy import visible_referrals
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject, TriageRoute
from nestguard.referrals.tests.helpers import ADDRESS, PERSON, complete_draft, submitted
from tests.factories import AddressFactory, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit_count(action: str, obj: Any = None) -> int:
    events = AuditEvent.objects.filter(action=action)
    if obj is not None:
        events = events.filter(object_id=str(obj.pk))
    return events.count()


# ---------------------------------------------------------------------------------------------
# Starting


def test_start_makes_a_draft_with_a_reference_and_the_referrers_details(personas) -> None:
    personas.referrer.job_title = "Head of year 9"
    personas.referrer.phone = "01632 960 555"
    personas.referrer.save()
    referral = services.referral_start(actor=personas.referrer)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.reference.startswith("REF-") and len(referral.reference) == 10
    assert referral.referrer == personas.referrer
    assert referral.referrer_agency == personas.school
    assert (referral.referrer_job_title, referral.referrer_phone) == (
        "Head of year 9",
        "01632 960 555",
    )
    assert audit_count("referral.start", referral) == 1
    second = services.referral_start(actor=personas.referrer)
    assert second.reference != referral.reference


@pytest.mark.parametrize("name", ["auditor", "admin"])
def test_only_referring_roles_may_start(personas, name: str) -> None:
    with pytest.raises(PermissionDenied):
        services.referral_start(actor=personas.all()[name])
    assert Referral.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Sections: each validates fully, writes nothing when wrong, and marks itself complete


@pytest.mark.parametrize(
    ("phone", "job_title", "field", "message"),
    [
        ("", "Teacher", "phone", "Enter a telephone number"),
        ("call me", "Teacher", "phone", "like 01632 960 001"),
        ("12345", "Teacher", "phone", "like 01632 960 001"),
        ("0" * 41, "Teacher", "phone", "40 characters or fewer"),
        ("01632 960 001", "", "job_title", "Enter your job title"),
        ("01632 960 001", "x" * 201, "job_title", "200 characters or fewer"),
        ("01632 960 001", "Teacher\x00", "job_title", "control characters"),
        ("01632 960 001", 42, "job_title", "must be text"),
    ],
)
def test_your_details_rejects_bad_input(personas, phone, job_title, field, message) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_details_update(
            actor=personas.referrer, referral=referral, phone=phone, job_title=job_title
        )
    assert message in caught.value.message_dict[field][0]
    referral.refresh_from_db()
    assert referral.sections_completed == [] and referral.referrer_phone == ""
    assert audit_count("referral.update") == 0


def test_your_details_completes_the_section(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    services.referral_details_update(
        actor=personas.referrer, referral=referral, phone=" +44 1632 960001 ", job_title="Teacher"
    )
    referral.refresh_from_db()
    assert referral.referrer_phone == "+44 1632 960001"
    assert referral.sections_completed == ["your_details"]
    assert audit_count("referral.update", referral) == 1


def tomorrow() -> date:
    """Worked out when the test runs: a date taken when the tests are collected is today's
    date once the run has crossed midnight, and is then accepted."""
    return timezone.localdate() + timedelta(days=1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": ""}, "role", "Select the person's role"),
        ({"role": "kingpin"}, "role", "Select the person's role"),
        ({"given_name": "", "family_name": ""}, "given_name", "Enter the person's first or last"),
        ({"date_of_birth": None}, "date_of_birth", "estimate of their age"),
        ({"age_estimate": 30}, "age_estimate", "not both"),
        ({"date_of_birth": tomorrow}, "date_of_birth", "today or in the past"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth", "after 1 January 1900"),
        ({"date_of_birth": "2001-01-01"}, "date_of_birth", "real date"),
        ({"date_of_birth": None, "age_estimate": 121}, "age_estimate", "between 0 and 120"),
        ({"date_of_birth": None, "age_estimate": -1}, "age_estimate", "between 0 and 120"),
        ({"date_of_birth": None, "age_estimate": "12"}, "age_estimate", "whole number"),
        ({"given_name": "x" * 101}, "given_name", "100 characters or fewer"),
        ({"description": "x" * 2001}, "description", "2000 characters or fewer"),
        ({"aliases": ["Big, T"]}, "aliases", "must not contain commas"),
        ({"aliases": ["x" * 101]}, "aliases", "100 characters or fewer"),
        ({"aliases": 7}, "aliases", "list of names"),
        ({"identity_unknown": "yes"}, "identity_unknown", "true or false"),
        (
            {"identity_unknown": True, "given_name": "", "family_name": "", "aliases": []},
            "description",
            "Describe the person",
        ),
    ],
)
def test_a_person_of_concern_is_checked_fully(personas, changes, field, message) -> None:
    changes = {name: v() if callable(v) else v for name, v in changes.items()}
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_subject_add(
            actor=personas.referrer, referral=referral, **{**PERSON, **changes}
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert ReferralSubject.objects.count() == 0
    referral.refresh_from_db()
    assert referral.sections_completed == []


def test_unknown_people_and_age_estimates_are_allowed(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    unknown = services.referral_subject_add(
        actor=personas.referrer,
        referral=referral,
        role="suspected_exploiter",
        identity_unknown=True,
        description="Young man in a red jacket, visits daily",
    )
    estimated = services.referral_subject_add(
        actor=personas.referrer,
        referral=referral,
        role="person_at_risk",
        given_name="Jo",
        age_estimate=15,
        aliases="JJ, Jojo",
    )
    assert str(unknown) == "Unknown person" and unknown.identity_unknown
    assert estimated.aliases == "JJ, Jojo"
    referral.refresh_from_db()
    assert referral.sections_completed == ["people"]


def test_markup_is_stored_as_typed(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    subject = services.referral_subject_add(
        actor=personas.referrer,
        referral=referral,
        **{**PERSON, "given_name": "<script>alert(1)</script>"},
    )
    assert subject.given_name == "<script>alert(1)</script>"


def test_changing_and_removing_people(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    subject = services.referral_subject_add(actor=personas.referrer, referral=referral, **PERSON)
    services.referral_subject_change(
        actor=personas.referrer, subject=subject, **{**PERSON, "role": "person_at_risk"}
    )
    subject.refresh_from_db()
    assert subject.role == "person_at_risk"
    with pytest.raises(ValidationError):
        services.referral_subject_change(
            actor=personas.referrer, subject=subject, **{**PERSON, "role": "nobody"}
        )
    subject.refresh_from_db()
    assert subject.role == "person_at_risk"
    services.referral_subject_remove(actor=personas.referrer, subject=subject)
    referral.refresh_from_db()
    assert referral.subjects.count() == 0
    assert "people" not in referral.sections_completed


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({**ADDRESS, "postcode": "NOT A CODE"}, "postcode", "full UK postcode"),
        ({**ADDRESS, "postcode": ""}, "postcode", "Enter a postcode"),
        ({**ADDRESS, "line1": ""}, "line1", "Enter address line 1"),
        ({**ADDRESS, "town": ""}, "town", "Enter the town"),
        ({**ADDRESS, "line1": "x" * 201}, "line1", "200 characters or fewer"),
        ({"not_known": True, "not_known_reason": ""}, "not_known_reason", "Say why"),
        ({"not_known": "maybe"}, "not_known", "true or false"),
    ],
)
def test_the_address_is_checked(personas, values, field, message) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_address_update(actor=personas.referrer, referral=referral, **values)
    assert message in caught.value.message_dict[field][0]
    referral.refresh_from_db()
    assert referral.address_line1 == "" and referral.sections_completed == []


def test_address_postcode_is_normalised_and_no_fixed_address_allowed(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    services.referral_address_update(actor=personas.referrer, referral=referral, **ADDRESS)
    referral.refresh_from_db()
    assert referral.address_postcode == "NB1 2AB"
    services.referral_address_update(
        actor=personas.referrer, referral=referral, not_known=True, not_known_reason="Sofa surfing"
    )
    referral.refresh_from_db()
    assert referral.address_not_known and referral.address_line1 == ""
    assert referral.sections_completed == ["address"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"concern_types": [], "indicators": ["care_leaver"]}, "concern_types", "at least one"),
        ({"concern_types": ["burglary"], "indicators": []}, "concern_types", "not one of"),
        ({"concern_types": "cce", "indicators": []}, "concern_types", "list of codes"),
        ({"concern_types": ["cce"], "indicators": ["shifty"]}, "indicators", "not one of"),
        ({"concern_types": ["cce"], "indicators": []}, "indicators", "describe what you saw"),
        (
            {"concern_types": ["cce"], "indicators": [], "signs_text": "x" * 5001},
            "signs_text",
            "5000 characters",
        ),
    ],
)
def test_concerns_and_signs_are_checked(personas, values, field, message) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_concerns_update(actor=personas.referrer, referral=referral, **values)
    assert message in caught.value.message_dict[field][0]
    referral.refresh_from_db()
    assert referral.concern_types == [] and referral.indicators_version == ""


def test_any_valid_sign_is_accepted_and_the_list_version_recorded(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    # A cuckooing sign on a child criminal exploitation referral: not offered, but valid.
    services.referral_concerns_update(
        actor=personas.referrer,
        referral=referral,
        concern_types=["cce", "cce"],
        indicators=["missing_out_of_area", "unfamiliar_visitors"],
    )
    referral.refresh_from_db()
    assert referral.concern_types == ["cce"]
    assert referral.indicators == ["missing_out_of_area", "unfamiliar_visitors"]
    assert referral.indicators_version == "2026-12.1"
    assert referral.sections_completed == ["concerns"]


def test_choosing_concern_types_reopens_the_section(personas) -> None:
    referral = complete_draft(personas.referrer)
    services.referral_concern_types_choose(
        actor=personas.referrer, referral=referral, concern_types=["cce"]
    )
    referral.refresh_from_db()
    assert referral.concern_types == ["cce"] and "concerns" not in referral.sections_completed
    with pytest.raises(ValidationError):
        services.referral_concern_types_choose(
            actor=personas.referrer, referral=referral, concern_types=["nope"]
        )


def test_urgency_is_a_code_and_sets_the_rank(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_urgency_update(
            actor=personas.referrer, referral=referral, urgency="immediate"
        )
    assert "Select how urgent" in caught.value.message_dict["urgency"][0]
    services.referral_urgency_update(actor=personas.referrer, referral=referral, urgency="high")
    referral.refresh_from_db()
    assert (referral.urgency, referral.urgency_rank) == ("high", 1)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"lawful_basis": "because", "consent": "given"}, "lawful_basis", "Select the lawful"),
        ({"lawful_basis": "public_task", "consent": "maybe"}, "consent", "Select whether"),
        ({"lawful_basis": "public_task", "consent": "refused"}, "consent_reason", "Select why"),
        (
            {"lawful_basis": "public_task", "consent": "not_sought", "consent_reason": "busy"},
            "consent_reason",
            "Select why",
        ),
        (
            {"lawful_basis": "consent", "consent": "refused", "consent_reason": "cannot_give"},
            "lawful_basis",
            "Consent cannot be the lawful basis",
        ),
        (
            {"lawful_basis": "public_task", "consent": "given", "consent_notes": "x" * 2001},
            "consent_notes",
            "2000 characters",
        ),
    ],
)
def test_lawful_basis_and_consent_are_checked(personas, values, field, message) -> None:
    referral = services.referral_start(actor=personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_consent_update(actor=personas.referrer, referral=referral, **values)
    assert message in caught.value.message_dict[field][0]
    referral.refresh_from_db()
    assert referral.lawful_basis == "" and referral.sections_completed == []


def test_consent_given_needs_no_reason_and_clears_one(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    services.referral_consent_update(
        actor=personas.referrer,
        referral=referral,
        lawful_basis="consent",
        consent="given",
        consent_reason="cannot_give",
    )
    referral.refresh_from_db()
    assert (referral.consent, referral.consent_reason) == ("given", "")


def test_only_the_referrer_changes_a_draft_and_only_while_it_is_a_draft(personas) -> None:
    referral = complete_draft(personas.referrer)
    with pytest.raises(PermissionDenied):
        services.referral_urgency_update(actor=personas.owner, referral=referral, urgency="low")
    services.referral_submit(actor=personas.referrer, referral=referral)
    with pytest.raises(ValidationError) as caught:
        services.referral_urgency_update(actor=personas.referrer, referral=referral, urgency="low")
    assert "cannot be changed" in caught.value.messages[0]
    referral.refresh_from_db()
    assert referral.urgency == "medium"


# ---------------------------------------------------------------------------------------------
# Submission


def test_submit_refuses_until_every_section_is_complete_and_says_which(personas) -> None:
    referral = services.referral_start(actor=personas.referrer)
    services.referral_details_update(
        actor=personas.referrer, referral=referral, phone="01632 960 001", job_title="Teacher"
    )
    services.referral_urgency_update(actor=personas.referrer, referral=referral, urgency="low")
    with pytest.raises(ValidationError) as caught:
        services.referral_submit(actor=personas.referrer, referral=referral)
    errors = caught.value.message_dict
    assert set(errors) == {"people", "address", "concerns", "consent"}
    assert errors["address"] == ["Complete the section: Address"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and referral.submitted_at is None
    assert Person.objects.count() == 0 and audit_count("referral.submit") == 0


@pytest.mark.every_instant  # the triage clock (decision 0086)
def test_submit_records_people_and_address_and_starts_the_clock(personas) -> None:
    register_row = AddressFactory(line1="14 TESTING STREET", postcode="NB1 2AB")
    referral = complete_draft(
        personas.referrer,
        people=[
            PERSON,
            {
                "role": "suspected_exploiter",
                "identity_unknown": True,
                "aliases": "T, Tee",
                "age_estimate": 19,
            },
        ],
        address={"line1": "14 Testing St.", "town": "Northbrook", "postcode": "nb12ab"},
        urgency="high",
    )
    before = timezone.now()
    services.referral_submit(actor=personas.referrer, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at >= before
    assert referral.urgency_rank == 1
    assert referral.address == register_row
    assert Address.objects.count() == 1
    subjects = list(referral.subjects.select_related("person"))
    assert all(s.person is not None for s in subjects)
    victim = subjects[0].person
    assert (victim.given_name, victim.family_name, victim.date_of_birth) == (
        "Alex",
        "Testperson",
        date(1961, 4, 2),
    )
    assert victim.created_by_agency == personas.school
    assert list(Alias.objects.filter(person=subjects[1].person).values_list("name", flat=True)) == [
        "T",
        "Tee",
    ]
    assert subjects[1].person.identity_unknown and subjects[1].person.age_estimate == 19
    assert audit_count("person.create") == 2
    assert audit_count("referral.submit", referral) == 1
    assert audit_count("address.record") == 0
    assert verify_chain().intact


def test_an_unmatched_address_is_recorded_as_entered_and_flagged(personas) -> None:
    AddressFactory(line1="16 Testing Street", postcode="NB1 2AB")
    referral = submitted(personas.referrer)
    address = referral.address
    assert address is not None and not address.in_register
    assert (address.line1, address.town, address.postcode, address.postcode_key) == (
        "14 Testing Street",
        "Northbrook",
        "NB1 2AB",
        "NB12AB",
    )
    assert audit_count("address.record", address) == 1
    # The next referral to the same door finds the address typed the first time.
    again = submitted(personas.referrer, address={**ADDRESS, "line1": "14, testing street"})
    assert again.address == address
    assert Address.objects.filter(in_register=False).count() == 1


def test_no_fixed_address_submits_without_an_address(personas) -> None:
    referral = submitted(
        personas.referrer, address={"not_known": True, "not_known_reason": "Rough sleeping"}
    )
    assert referral.address is None and Address.objects.count() == 0


def test_submitted_twice_is_refused(personas) -> None:
    referral = submitted(personas.referrer)
    with pytest.raises(ValidationError):
        services.referral_submit(actor=personas.referrer, referral=referral)
    assert Person.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Routing and the triage clock


def test_routed_to_every_hub_agency(personas) -> None:
    second_hub = AgencyFactory(name="Second Hub", type="community_safety", is_hub=True)
    AgencyFactory(name="Closed Hub", type="community_safety", is_hub=True, active=False)
    referral = submitted(personas.referrer)
    assert set(referral.triage_agencies.all()) == {personas.hub, second_hub}


def test_routed_by_concern_type_rules(personas) -> None:
    TriageRoute.objects.create(concern_type="cce", agency=personas.police)
    TriageRoute.objects.create(concern_type="modern_slavery", agency=personas.outsider_agency)
    child = submitted(
        personas.referrer,
        concerns={"concern_types": ["cce"], "indicators": ["missing_out_of_area"]},
    )
    assert set(child.triage_agencies.all()) == {personas.hub, personas.police}
    adult = submitted(personas.referrer)
    assert set(adult.triage_agencies.all()) == {personas.hub}
    assert child in visible_referrals(personas.partner)
    assert adult not in visible_referrals(personas.partner)


def test_submit_refuses_when_nobody_triages(personas) -> None:
    Agency.objects.filter(is_hub=True).update(is_hub=False)
    referral = complete_draft(personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_submit(actor=personas.referrer, referral=referral)
    assert "No agency" in caught.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and Person.objects.count() == 0


@pytest.mark.every_instant  # the triage clock (decision 0086)
def test_due_five_working_days_later_skipping_christmas_bank_holidays(personas) -> None:
    # Thursday 24 December 2026: 25 and 28 December and 1 January are bank holidays, so
    # the working days are 29, 30, 31 December, 4 and 5 January.
    moment = datetime(2026, 12, 24, 16, 30, tzinfo=UK)
    referral = submitted(personas.referrer, submitted_at=moment)
    due = referral.triage_due_at.astimezone(UK)
    assert due.date() == date(2027, 1, 5)
    assert due.time() == time(23, 59, 59)


@pytest.mark.every_instant  # the triage clock (decision 0086)
def test_due_date_on_an_ordinary_week(personas) -> None:
    moment = datetime(2026, 11, 2, 9, 0, tzinfo=UK)  # a Monday
    referral = submitted(personas.referrer, submitted_at=moment)
    assert referral.triage_due_at.astimezone(UK).date() == date(2026, 11, 9)


# ---------------------------------------------------------------------------------------------
# Triage


def test_accept_opens_a_case_from_the_referral(personas) -> None:
    referral = submitted(
        personas.referrer,
        people=[PERSON, {"role": "suspected_exploiter", "identity_unknown": True, "aliases": "T"}],
    )
    services.referral_triage(actor=personas.owner, referral=referral, decision="accept")
    referral.refresh_from_db()
    case = referral.case
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_by == personas.owner and referral.decided_at is not None
    assert case.reference.startswith("CASE-")
    assert case.lead_agency == personas.hub and case.lead_worker == personas.owner
    assert case.concern_types == ["cuckooing"] and case.status == CaseStatus.OPEN
    roles = set(CaseSubject.objects.filter(case=case).values_list("person_id", "role"))
    assert roles == {(s.person_id, s.role) for s in referral.subjects.all()}
    assert CaseAddress.objects.get(case=case).address == referral.address
    assert list(CaseTeamUser.objects.filter(case=case).values_list("user", flat=True)) == [
        personas.owner.pk
    ]
    texts = list(ChronologyEntry.objects.filter(case=case).values_list("text", flat=True))
    assert any(f"Case opened from referral {referral.reference}" in t for t in texts)
    assert audit_count("case.open", case) == 1
    assert audit_count("referral.triage", referral) == 1
    # The referrer sees the outcome, never the case.
    assert case not in visible_cases(personas.referrer)
    assert case in visible_cases(personas.owner)
    assert verify_chain().intact


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", "Select a decision"),
        ({"decision": "decline", "reason": "Not for us"}, "reason_code", "Select why"),
        (
            {"decision": "decline", "reason_code": "duplicate", "reason": " "},
            "reason",
            "Explain in words why you are declining",
        ),
        (
            {"decision": "decline", "reason_code": "because", "reason": "Not for us"},
            "reason_code",
            "Select why",
        ),
        ({"decision": "redirect", "reason": "Children"}, "redirect_to", "Select the service"),
        (
            {"decision": "redirect", "redirect_to": "mash", "reason": ""},
            "reason",
            "Explain in words why you are redirecting",
        ),
        ({"decision": "merge"}, "case", "Enter the reference of the case"),
        (
            {"decision": "accept", "reason": "x" * 5001},
            "reason",
            "5000 characters or fewer",
        ),
    ],
)
def test_triage_decisions_are_checked_and_write_nothing(personas, values, field, message) -> None:
    referral = submitted(personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_triage(actor=personas.owner, referral=referral, **values)
    assert message in caught.value.message_dict[field][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and referral.decided_at is None
    assert Case.objects.count() == 0 and audit_count("referral.triage") == 0


def test_decline_with_a_reason_in_words(personas) -> None:
    referral = submitted(personas.referrer)
    services.referral_triage(
        actor=personas.supervisor,
        referral=referral,
        decision="decline",
        reason_code="insufficient_information",
        reason="We could not tell which flat. Please call us.",
        redirect_to="mash",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decision_reason_code == "insufficient_information"
    assert referral.decision_reason == "We could not tell which flat. Please call us."
    assert referral.redirect_to == "" and referral.case is None


def test_redirect_to_another_service(personas) -> None:
    referral = submitted(personas.referrer)
    services.referral_triage(
        actor=personas.owner,
        referral=referral,
        decision="redirect",
        redirect_to="adult_safeguarding",
        reason="A section 42 enquiry is the right route.",
        reason_code="duplicate",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REDIRECTED
    assert (referral.redirect_to, referral.decision_reason_code) == ("adult_safeguarding", "")


def test_merge_adds_new_people_and_address_to_an_existing_case(personas) -> None:
    first = submitted(personas.referrer)
    services.referral_triage(actor=personas.owner, referral=first, decision="accept")
    first.refresh_from_db()
    case = first.case
    stamped = case.updated_at
    second = submitted(
        personas.referrer,
        people=[{"role": "suspected_exploiter", "identity_unknown": True, "aliases": ["Dee"]}],
        address={"line1": "2 Other Road", "town": "Northbrook", "postcode": "NB1 3CD"},
        concerns={"concern_types": ["county_lines"], "indicators": ["vehicles_stopping"]},
    )
    services.referral_triage(
        actor=personas.owner, referral=second, decision="merge", case=case, reason="Same flat"
    )
    second.refresh_from_db()
    case.refresh_from_db()
    assert second.status == ReferralStatus.MERGED and second.case == case
    assert CaseSubject.objects.filter(case=case).count() == 2
    assert CaseAddress.objects.filter(case=case).count() == 2
    assert case.concern_types == ["cuckooing", "county_lines"]
    # Stamped: the links are written in bulk, and the reports' case days notice a case by
    # its newest stamp (decision 0133).
    assert case.updated_at > stamped
    assert audit_count("case.add_referral", case) == 1
    assert ChronologyEntry.objects.filter(
        case=case, text__contains=f"Referral {second.reference} added"
    ).exists()


def test_merge_needs_a_case_the_actor_can_see_and_that_is_open(personas) -> None:
    TriageRoute.objects.create(concern_type="cuckooing", agency=personas.outsider_agency)
    theirs = submitted(personas.referrer)
    services.referral_triage(actor=personas.outsider, referral=theirs, decision="accept")
    theirs.refresh_from_db()
    referral = submitted(personas.referrer)
    with pytest.raises(ValidationError) as caught:
        services.referral_triage(
            actor=personas.owner, referral=referral, decision="merge", case=theirs.case
        )
    assert "that you can see" in caught.value.message_dict["case"][0]
    mine = submitted(personas.referrer)
    services.referral_triage(actor=personas.owner, referral=mine, decision="accept")
    mine.refresh_from_db()
    Case.objects.filter(pk=mine.case_id).update(status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError) as caught:
        services.referral_triage(
            actor=personas.owner, referral=referral, decision="merge", case=mine.case
        )
    assert "closed" in caught.value.message_dict["case"][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("owner", True),
        ("supervisor", True),
        ("partner", False),
        ("outsider", False),
        ("referrer", False),
        ("auditor", False),
        ("admin", False),
    ],
)
def test_who_may_triage(personas, name: str, allowed: bool) -> None:
    referral = submitted(personas.referrer)
    actor = personas.all()[name]
    if allowed:
        services.referral_triage(actor=actor, referral=referral, decision="accept")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            services.referral_triage(actor=actor, referral=referral, decision="accept")
        assert Case.objects.count() == 0


def test_a_routed_partner_may_triage_and_a_hub_caseworker_elsewhere_may_not(personas) -> None:
    TriageRoute.objects.create(concern_type="cce", agency=personas.police)
    referral = submitted(
        personas.referrer,
        concerns={"concern_types": ["cce"], "indicators": ["carrying_weapons"]},
    )
    services.referral_triage(actor=personas.partner, referral=referral, decision="accept")
    referral.refresh_from_db()
    assert referral.case.lead_agency == personas.police
    stranger = UserFactory(username="stranger", agency=AgencyFactory(name="Elsewhere"))
    draft = complete_draft(personas.referrer)
    with pytest.raises(PermissionDenied):
        services.referral_triage(actor=stranger, referral=draft, decision="accept")


def test_a_referral_is_triaged_once(personas) -> None:
    referral = submitted(personas.referrer)
    services.referral_triage(actor=personas.owner, referral=referral, decision="accept")
    with pytest.raises(ValidationError) as caught:
        services.referral_triage(
            actor=personas.supervisor,
            referral=referral,
            decision="decline",
            reason_code="duplicate",
            reason="Again",
        )
    assert "already triaged" in caught.value.message_dict["decision"][0]
    assert Case.objects.count() == 1


def test_drafts_cannot_be_triaged(personas) -> None:
    draft = complete_draft(personas.referrer)
    with pytest.raises(PermissionDenied):
        services.referral_triage(actor=personas.owner, referral=draft, decision="accept")


def test_people_on_a_submitted_referral_are_visible_to_the_triage_team_only(personas) -> None:
    referral = submitted(personas.referrer)
    person = referral.subjects.get().person
    assert person in visible_people(personas.owner)
    assert person not in visible_people(personas.outsider)
    assert person not in visible_people(personas.referrer)


# ---------------------------------------------------------------------------------------------
# The referrer is told


def test_status_view_shows_the_outcome_banner_once(personas) -> None:
    referral = submitted(personas.referrer)
    assert services.referral_status_view(actor=personas.referrer, referral=referral) is False
    services.referral_triage(
        actor=personas.owner,
        referral=referral,
        decision="decline",
        reason_code="outside_area",
        reason="The address is in another borough; we have passed it on.",
    )
    referral.refresh_from_db()
    assert (
        services.referral_status_view(actor=personas.referrer, referral=referral, mark_seen=False)
        is False
    )
    assert services.referral_status_view(actor=personas.referrer, referral=referral) is True
    referral.refresh_from_db()
    assert referral.outcome_seen_at is not None
    assert services.referral_status_view(actor=personas.referrer, referral=referral) is False
    assert audit_count("referral.status_view", referral) == 4
    with pytest.raises(PermissionDenied):
        services.referral_status_view(actor=personas.owner, referral=referral)


def test_historic_times_for_imports_and_the_demo(personas) -> None:
    moment = datetime(2025, 3, 3, 10, 0, tzinfo=UK)
    referral = submitted(personas.referrer, submitted_at=moment)
    decided = moment + timedelta(days=2)
    services.referral_triage(
        actor=personas.owner, referral=referral, decision="accept", decided_at=decided
    )
    referral.refresh_from_db()
    assert referral.submitted_at == moment and referral.decided_at == decided
    assert referral.case.opened_at == decided


def test_a_referral_waiting_for_triage_always_has_its_clock(personas) -> None:  # type: ignore[no-untyped-def]
    """The database refuses a waiting referral without the time it was sent or its triage
    clock (`referral_submitted_has_clock`): the triage queue orders by both plainly, which
    lets SQLite read a page and stop (decision 0130)."""
    from django.db import IntegrityError, transaction

    sent = submitted(personas.referrer)
    assert sent.submitted_at is not None and sent.triage_due_at is not None
    for missing in ("submitted_at", "triage_due_at"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.filter(pk=sent.pk).update(**{missing: None})
    draft = complete_draft(personas.referrer)
    assert draft.submitted_at is None and draft.triage_due_at is None  # a draft has neither
