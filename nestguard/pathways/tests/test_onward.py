"""Onward referrals: the directory as data, eligibility with reasons, the status path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.cases.models import Case
from nestguard.directory.eligibility import Eligibility
from nestguard.directory.models import Service
from nestguard.pathways.models import OnwardReferral
from nestguard.pathways.services.onward import onward_referral_send, onward_referral_update

pytestmark = pytest.mark.django_db


def send(pw, **overrides):
    values = dict(
        actor=pw.personas.owner, case=pw.case, person=pw.child,
        service="child_exploitation_service", reason="Exploited by a county line",
    )  # fmt: skip
    values.update(overrides)
    return onward_referral_send(**values)


def test_the_directory_names_every_kind_of_service_with_a_source() -> None:
    services = list(Service.objects.all())
    assert {s.category for s in services} >= {
        "substance_misuse", "child_exploitation", "mentoring", "employment",
        "adult_safeguarding", "mash", "early_help", "prevent",
    }  # fmt: skip
    for service in services:
        assert service.eligibility_source
    employment = Eligibility.of(Service.objects.get(code="young_adult_employment"))
    assert (employment.min_age, employment.max_age) == (18, 30)


@pytest.mark.parametrize(
    ("age", "eligible"), [(17, False), (18, True), (30, True), (31, False), (None, False)]
)
def test_employment_programme_age_edges(age, eligible) -> None:
    rule = Eligibility.of(Service.objects.get(code="young_adult_employment"))
    reasons = rule.reasons_not_eligible(age=age, consent_given=True, concern_types=[])
    assert (reasons == []) == eligible


def test_not_eligible_gives_the_reasons_and_writes_nothing(pw) -> None:
    with pytest.raises(ValidationError) as exc:
        send(pw, service="young_adult_employment")  # a child, and no consent
    reasons = exc.value.message_dict["service"]
    assert any("18 or over" in r for r in reasons)
    assert any("consent" in r for r in reasons)
    assert not OnwardReferral.objects.exists()


def test_sent_accepted_completed(pw) -> None:
    referral = send(pw)
    assert referral.status == "sent"
    onward_referral_update(actor=pw.personas.owner, referral=referral, status="accepted")
    with pytest.raises(ValidationError) as exc:
        onward_referral_update(actor=pw.personas.owner, referral=referral, status="completed")
    assert "outcome" in exc.value.message_dict
    onward_referral_update(
        actor=pw.personas.owner, referral=referral, status="completed",
        outcome="Twelve sessions; back in school full time",
    )  # fmt: skip
    assert referral.status == "completed" and referral.completed_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        onward_referral_update(actor=pw.personas.owner, referral=referral, status="declined")
    assert "finished" in exc.value.message_dict["status"][0]


def test_declined_needs_the_reason(pw) -> None:
    referral = send(pw)
    with pytest.raises(ValidationError):
        onward_referral_update(actor=pw.personas.owner, referral=referral, status="declined")
    onward_referral_update(
        actor=pw.personas.owner, referral=referral, status="declined", note="Full until March"
    )
    assert referral.status == "declined"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service", "astrology"),
        ("reason", ""),
        ("reason", "y" * 5001),
        ("consent_given", "yes"),
        # Tomorrow, worked out when the test runs: a date taken when the tests are collected
        # is today's date once the run has crossed midnight, and is then accepted.
        ("sent_on", lambda: timezone.localdate() + timedelta(days=1)),
    ],
)
def test_bad_inputs(pw, field, value) -> None:
    value = value() if callable(value) else value
    with pytest.raises(ValidationError) as exc:
        send(pw, **{field: value})
    assert field in exc.value.message_dict


@pytest.mark.time_machine(datetime(2026, 7, 2, 12, 0, tzinfo=UTC))  # after the dates it sends
def test_not_sent_before_the_uk_day_the_case_was_opened(pw) -> None:
    # Opened at 00:30 BST on 1 July 2026: 23:30 on 30 June in UTC, as the database keeps it.
    Case.objects.filter(pk=pw.case.pk).update(opened_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    pw.case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        send(pw, sent_on=date(2026, 6, 30))
    assert "on or after the case was opened" in exc.value.message_dict["sent_on"][0]
    assert send(pw, sent_on=date(2026, 7, 1)).sent_on == date(2026, 7, 1)


def test_outsider_and_referrer_cannot_send(pw) -> None:
    for persona in ("outsider", "referrer", "auditor"):
        with pytest.raises(PermissionDenied):
            send(pw, actor=getattr(pw.personas, persona))
