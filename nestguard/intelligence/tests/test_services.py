"""Submitting, grading, sanitising, checking and sharing: what each refuses, and what each
records (the write and its audit event in one transaction)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.intelligence.models import (
    IntelligenceReport,
    IntelligenceShare,
    ReportStatus,
    VersionStatus,
)
from nestguard.intelligence.services.reports import intelligence_function_set
from nestguard.intelligence.services.sanitise import (
    sanitised_version_check,
    sanitised_version_share,
    sanitised_version_write,
)
from nestguard.intelligence.services.subjects import SubjectIn, normalise_phone, normalise_vrm

pytestmark = [
    pytest.mark.django_db,
]


def test_submit_stores_structured_subjects_normalised(intel):
    report = intel.submit()
    rows = list(report.subjects.order_by("position").values_list("kind", "label", "phone", "vrm"))
    assert rows == [
        ("person", "Robin Example, about 15", "", ""),
        ("phone", "+442079460123", "+442079460123", ""),
        ("vehicle", "AB12CDE", "", "AB12CDE"),
        ("text", "Mrs Example at flat 4 (the source)", "", ""),
    ]
    assert report.function_agency == intel.p.police
    assert report.agency == intel.p.school
    assert report.status == ReportStatus.SUBMITTED
    assert report.reference.startswith("INT-")
    assert report.due_at > timezone.now()


def test_submission_audit_records_the_agreement_relied_on(intel):
    report = intel.submit()
    event = AuditEvent.objects.get(action="intelligence.submit", object_id=str(report.pk))
    assert event.sharing_agreement is not None
    assert event.lawful_basis == "safeguarding_sch1_para18"
    assert event.purpose == "intelligence"


def test_bad_phone_and_vehicle_are_field_errors_and_nothing_is_written(intel):
    with pytest.raises(ValidationError) as caught:
        intel.submit(
            subjects=[SubjectIn("phone", "0770 12"), SubjectIn("vehicle", "NOT A PLATE 99")],
            what="",
        )
    errors = caught.value.message_dict
    assert "not a valid UK phone number" in errors["phones"][0]
    assert "not a vehicle registration" in errors["vehicles"][0]
    assert errors["what"] == ["Enter what you saw or were told"]
    assert not IntelligenceReport.objects.exists()
    assert not AuditEvent.objects.filter(action="intelligence.submit").exists()


def test_date_in_future_and_how_known_are_checked(intel):
    with pytest.raises(ValidationError) as caught:
        intel.submit(observed_on=timezone.localdate() + dt.timedelta(days=1), how_known="guess")
    assert set(caught.value.message_dict) == {"observed_on", "how_known"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0113 496 0000", "+441134960000"), ("+44 113 496 0000", "+441134960000"),
     ("020 7946 0018", "+442079460018")],
)  # fmt: skip
def test_phones_are_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ab12 cde", "AB12CDE"), ("A123 BCD", "A123BCD"), ("ABC 123D", "ABC123D"),
     ("1234 AB", "1234AB")],
)  # fmt: skip
def test_vrms_are_normalised(raw, expected):
    assert normalise_vrm(raw) == expected


def test_only_the_receiving_function_grades(intel):
    report = intel.submit()
    for actor in (intel.hub_intel, intel.p.partner, intel.p.referrer):
        with pytest.raises(PermissionDenied):
            _grade_as(actor, report)
    graded = intel.grade(report)
    assert graded.grade == "2C P"
    assert graded.graded_by == intel.grader
    assert graded.graded_at is not None and graded.graded_at <= timezone.now()
    with pytest.raises(ValidationError, match="already been graded"):
        intel.grade(graded)


def _grade_as(actor, report):
    from nestguard.intelligence.services.reports import intelligence_report_grade

    return intelligence_report_grade(
        actor=actor, report=report, source_evaluation="1", intelligence_assessment="A",
        handling_code="P",
    )  # fmt: skip


def test_handling_code_c_needs_its_conditions(intel):
    report = intel.submit()
    with pytest.raises(ValidationError) as caught:
        intel.grade(report, handling_code="C", handling_conditions="")
    assert "handling_conditions" in caught.value.message_dict
    graded = intel.grade(
        report, handling_code="C", handling_conditions="Not to the school",
        excluded_agencies=[intel.p.school],
    )  # fmt: skip
    assert list(graded.excluded_agencies.all()) == [intel.p.school]
    event = AuditEvent.objects.get(action="intelligence.grade")
    assert event.details["grade"] == "2C C"


def test_codes_outside_the_lists_are_refused(intel):
    with pytest.raises(ValidationError) as caught:
        intel.grade(intel.submit(), source_evaluation="4", intelligence_assessment="F",
                    handling_code="X")  # fmt: skip
    assert set(caught.value.message_dict) == {
        "source_evaluation", "intelligence_assessment", "handling_code",
    }  # fmt: skip


def test_sanitised_version_keeps_only_chosen_subjects_and_carries_the_grade(intel):
    report = intel.grade(intel.submit(), source_evaluation="1", intelligence_assessment="B")
    kept = list(report.subjects.order_by("position"))[:2]
    version = sanitised_version_write(
        actor=intel.grader, report=report, text="Sanitised.", keep_subjects=[s.pk for s in kept]
    )
    assert version.status == VersionStatus.AWAITING_CHECK
    assert version.grade == "1B P"
    assert [s.label for s in version.subjects.all()] == [s.label for s in kept]


def test_the_writer_cannot_check_their_own_version(intel):
    report = intel.grade(intel.submit())
    version = sanitised_version_write(actor=intel.grader, report=report, text="Sanitised.")
    with pytest.raises(ValidationError, match="second person"):
        sanitised_version_check(actor=intel.grader, version=version, passed=True)
    with pytest.raises(ValidationError, match="Only a checked"):
        sanitised_version_share(actor=intel.grader, version=version, agency=intel.p.hub)
    with pytest.raises(ValidationError):
        sanitised_version_check(actor=intel.checker, version=version, passed=False, note="")
    returned = sanitised_version_check(
        actor=intel.checker, version=version, passed=False, note="Names flat 4"
    )
    assert returned.status == VersionStatus.DRAFT


def test_without_a_second_check_a_version_is_released_at_once(intel):
    intelligence_function_set(actor=None, agency=intel.p.police, second_check=False)
    report = intel.grade(intel.submit())
    version = sanitised_version_write(actor=intel.grader, report=report, text="Sanitised.")
    assert version.status == VersionStatus.RELEASED
    assert version.released_at is not None


def test_share_records_agreement_and_basis(intel):
    version = intel.shared(to=[intel.p.hub])
    share = IntelligenceShare.objects.get(version=version)
    assert share.agency == intel.p.hub
    assert share.sharing_agreement is not None
    assert share.lawful_basis == "safeguarding_sch1_para18"
    event = AuditEvent.objects.get(action="sanitised.share")
    assert event.sharing_agreement_id == share.sharing_agreement_id
    assert event.details["to"] == str(intel.p.hub)


def test_no_share_without_an_agreement_in_force_or_past_an_exclusion(intel):
    version = intel.shared(to=[], handling_code="C", handling_conditions="Not the school",
                           excluded_agencies=[intel.p.school])  # fmt: skip
    for agency, message in (
        (intel.p.outsider_agency, "No sharing agreement"),
        (intel.p.youth_justice, "No sharing agreement"),  # its agreement ended
        (intel.p.school, "exclude"),
    ):
        with pytest.raises(ValidationError, match=message):
            sanitised_version_share(actor=intel.grader, version=version, agency=agency)
    assert not IntelligenceShare.objects.exists()


def test_the_function_named_by_the_partnership_receives_new_reports(intel):
    intelligence_function_set(actor=None, agency=intel.p.hub, second_check=True)
    report = intel.submit()
    assert report.function_agency == intel.p.hub
    with pytest.raises(PermissionDenied):
        intel.grade(report)


def test_an_administrator_names_the_function_and_nobody_else(intel):
    with pytest.raises(PermissionDenied):
        intelligence_function_set(actor=intel.grader, agency=intel.p.hub, second_check=True)
    intelligence_function_set(actor=intel.p.admin, agency=intel.p.hub, second_check=True)


def test_ofcom_drama_mobile_range_is_accepted_as_the_network_accepts_it():
    """libphonenumber holds 07700 900xxx (Ofcom's range for drama) unassigned; the one
    normaliser asks whether a number is possible, not allocated (decisions 0098 and 0115), so a
    report can name a deal line the network holds in that range."""
    assert normalise_phone("07700 900123") == "+447700900123"
    with pytest.raises(ValueError):
        normalise_phone("0770 12")


def test_the_command_names_the_function(intel):
    import io

    from django.core.management import CommandError, call_command

    from nestguard.intelligence.policy import intelligence_function

    out = io.StringIO()
    call_command("set_intelligence_function", "--agency", str(intel.p.hub), stdout=out)
    assert "with a second check" in out.getvalue()
    assert intelligence_function().agency == intel.p.hub
    with pytest.raises(CommandError, match="no agency"):
        call_command("set_intelligence_function", "--agency", "Nowhere", stdout=io.StringIO())
