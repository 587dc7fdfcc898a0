"""The NRM and the Duty to Notify: the consent truth table, the stages, the anonymous record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nestguard.cases.services.work import case_subject_record
from nestguard.core.calendar import add_working_days
from nestguard.pathways.access_policy import visible_nrm_referrals
from nestguard.pathways.models import DutyToNotify, NrmReferral, NrmStageChange
from nestguard.pathways.selectors import nrm_standing
from nestguard.pathways.services import nrm
from nestguard.pathways.tests.conftest import years_ago

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refer(pw, person=None, **overrides):
    values = dict(
        actor=pw.personas.owner, person=person or pw.child, case=pw.case,
        referred_on=TODAY() - timedelta(days=2), consent="not_required",
        exploitation_types=["county_lines", "cce"],
    )  # fmt: skip
    values.update(overrides)
    return nrm.nrm_referral_record(**values)


# --- The truth table: age x consent x first responder ---------------------------------------

AGES = {"15": 15, "17": 17, "18": 18, "34": 34, "unknown": None, "unknown, may be a child": None}
CONSENTS = ("consented", "declined", "not_required")


def _expected(age_key: str, consent: str, first_responder: bool) -> str:
    if not first_responder:
        return "refused: not a first responder"
    child = age_key in ("15", "17", "unknown, may be a child")
    if child:
        return "referred"
    return {
        "consented": "referred",
        "declined": "refused: duty to notify instead",
        "not_required": "refused: adult must consent",
    }[consent]


CASES = [
    (age, consent, fro, _expected(age, consent, fro))
    for age in AGES
    for consent in CONSENTS
    for fro in (True, False)
]


@pytest.mark.parametrize(("age_key", "consent", "first_responder", "expected"), CASES)
def test_consent_truth_table(pw, age_key, consent, first_responder, expected) -> None:
    owner = pw.personas.owner
    age = AGES[age_key]
    person = case_subject_record(
        actor=owner, case=pw.case, role="victim", given_name="Tab", family_name=f"Le{age_key}",
        date_of_birth=years_ago(age, days=10) if age is not None else None,
    ).person  # fmt: skip
    owner.agency.is_first_responder = first_responder
    owner.agency.save(update_fields=["is_first_responder"])
    try:
        referral = refer(
            pw, person=person, consent=consent, may_be_child=age_key == "unknown, may be a child"
        )
    except PermissionDenied as exc:
        got = "refused: not a first responder"
        assert "first responder" in str(exc)
    except ValidationError as exc:
        message = exc.message_dict["consent"][0]
        got = {
            nrm.DECLINED_ADULT: "refused: duty to notify instead",
            nrm.ADULT_MUST_CONSENT: "refused: adult must consent",
        }[message]
    else:
        got = "referred"
        assert referral.is_child == (age_key in ("15", "17", "unknown, may be a child"))
    assert got == expected
    assert NrmReferral.objects.exists() == (expected == "referred")


# --- Stages ----------------------------------------------------------------------------------


def test_referral_sets_the_reasonable_grounds_clock(pw) -> None:
    referral = refer(pw)
    assert referral.stage == "referred"
    assert referral.rg_due_on == add_working_days(referral.referred_on, 5)
    assert referral.reference.startswith("NRM-")
    assert NrmStageChange.objects.filter(referral=referral, to_stage="referred").exists()


def test_reasonable_grounds_overdue_is_shown(pw) -> None:
    referral = refer(pw, referred_on=TODAY() - timedelta(days=20))
    standing = nrm_standing(referral)
    assert standing.rg_overdue and "overdue" in standing.overdue_text
    nrm.nrm_reasonable_grounds_record(
        actor=pw.personas.owner, referral=referral, outcome="positive",
        decided_on=TODAY() - timedelta(days=10),
    )  # fmt: skip
    assert not nrm_standing(referral).rg_overdue


def test_the_whole_path_with_a_reconsideration(pw) -> None:
    owner = pw.personas.owner
    start = TODAY() - timedelta(days=100)
    referral = refer(pw, referred_on=start)
    nrm.nrm_reasonable_grounds_record(
        actor=owner, referral=referral, outcome="negative", decided_on=start + timedelta(days=4)
    )
    assert referral.stage == "rg_negative"
    nrm.nrm_reconsideration_request(
        actor=owner, referral=referral, requested_on=start + timedelta(days=6),
        reason="New account from the child's advocate",
    )  # fmt: skip
    assert referral.stage_key == "reconsideration_requested:rg"
    with pytest.raises(ValidationError):  # CG is not decided on an RG reconsideration
        nrm.nrm_conclusive_grounds_record(
            actor=owner, referral=referral, outcome="negative", decided_on=TODAY()
        )
    nrm.nrm_reasonable_grounds_record(
        actor=owner, referral=referral, outcome="positive", decided_on=start + timedelta(days=10)
    )
    assert referral.stage == "recovery_period"
    assert referral.recovery_ends_on == start + timedelta(days=40)
    with pytest.raises(ValidationError) as exc:  # before the recovery period ends
        nrm.nrm_conclusive_grounds_record(
            actor=owner, referral=referral, outcome="trafficking",
            decided_on=start + timedelta(days=39),
        )  # fmt: skip
    assert "decided_on" in exc.value.message_dict
    nrm.nrm_conclusive_grounds_record(
        actor=owner, referral=referral, outcome="trafficking", decided_on=start + timedelta(days=40)
    )
    assert referral.stage == "cg_positive_trafficking"
    assert referral.stage_changes.count() == 5


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("nrm_conclusive_grounds_record", {"outcome": "negative", "decided_on": "today"}),
        ("nrm_reconsideration_request", {"requested_on": "today", "reason": "Because"}),
    ],
)
def test_invalid_transitions_are_refused_with_a_reason(pw, action, kwargs) -> None:
    referral = refer(pw)
    kwargs = {k: (TODAY() if v == "today" else v) for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as exc:
        getattr(nrm, action)(actor=pw.personas.owner, referral=referral, **kwargs)
    assert "can be recorded only at" in exc.value.message_dict["stage"][0]
    referral.refresh_from_db()
    assert referral.stage == "referred"


def test_only_adults_withdraw(pw) -> None:
    child_referral = refer(pw)
    with pytest.raises(ValidationError) as exc:
        nrm.nrm_withdraw(
            actor=pw.personas.owner, referral=child_referral, withdrawn_on=TODAY(), reason="x"
        )
    assert "Children cannot withdraw" in exc.value.message_dict["stage"][0]
    adult_referral = refer(pw, person=pw.adult, consent="consented")
    nrm.nrm_withdraw(
        actor=pw.personas.owner, referral=adult_referral, withdrawn_on=TODAY(),
        reason="Moved away and no longer wants support",
    )  # fmt: skip
    assert adult_referral.stage == "withdrawn"
    with pytest.raises(ValidationError):  # withdrawn is final
        nrm.nrm_reasonable_grounds_record(
            actor=pw.personas.owner, referral=adult_referral, outcome="positive",
            decided_on=TODAY(),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # Tomorrow, worked out when the test runs: a date taken when the tests are collected
        # is today's date once the run has crossed midnight, and is then accepted.
        ("referred_on", lambda: TODAY() + timedelta(days=1)),
        ("referred_on", "2026-01-01"),
        ("referred_on", date(1999, 1, 1)),
        ("exploitation_types", []),
        ("exploitation_types", ["piracy"]),
        ("exploitation_types", "cce"),
        ("decision_body", "court"),
        ("consent", "maybe"),
        ("summary", "x" * 5001),
    ],
)
def test_bad_referral_inputs(pw, field, value) -> None:
    value = value() if callable(value) else value
    with pytest.raises(ValidationError) as exc:
        refer(pw, **{field: value})
    assert field in exc.value.message_dict
    assert not NrmReferral.objects.exists()


def test_the_devolved_pilot_decides_for_children_only(pw) -> None:
    with pytest.raises(ValidationError) as exc:
        refer(pw, person=pw.adult, consent="consented", decision_body="devolved_child_pilot")
    assert "decision_body" in exc.value.message_dict
    assert refer(pw, decision_body="devolved_child_pilot").decision_body == "devolved_child_pilot"


def test_stages_are_recorded_by_the_referring_first_responder_only(pw) -> None:
    referral = refer(pw)
    partner = pw.personas.partner  # police: a first responder, but not the one that referred
    with pytest.raises(PermissionDenied):
        nrm.nrm_reasonable_grounds_record(
            actor=partner, referral=referral, outcome="positive", decided_on=TODAY()
        )
    # the partner sees it through the case; the outsider does not
    assert visible_nrm_referrals(partner).filter(pk=referral.pk).exists()
    assert not visible_nrm_referrals(pw.personas.outsider).exists()


# --- Duty to Notify -------------------------------------------------------------------------


def notify(pw, **overrides):
    values = dict(
        actor=pw.personas.owner, notified_on=TODAY(), age_band="25_34", gender="male",
        exploitation_types=["cuckooing", "modern_slavery"], area="Northbrook town centre",
        summary="Adult whose flat was taken over; declined an NRM referral.",
    )  # fmt: skip
    values.update(overrides)
    return nrm.duty_to_notify_record(**values)


def test_duty_to_notify_holds_nothing_that_identifies() -> None:
    names = {f.name for f in DutyToNotify._meta.get_fields()}
    assert not names & {"person", "case", "given_name", "family_name", "date_of_birth", "address"}


def test_duty_to_notify_is_recorded(pw) -> None:
    record = notify(pw)
    assert record.reference.startswith("DTN-") and record.agency == pw.personas.hub


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "Lives at NB1 2AB"),
        ("summary", "Born 12/03/1990"),
        ("area", "Call 07700 900123"),
        ("age_band", "16_17"),
        ("gender", 3),
        ("exploitation_types", []),
    ],
)
def test_duty_to_notify_refuses_identifying_details_and_bad_codes(pw, field, value) -> None:
    with pytest.raises(ValidationError) as exc:
        notify(pw, **{field: value})
    assert field in exc.value.message_dict
    assert not DutyToNotify.objects.exists()


def test_duty_to_notify_needs_a_first_responder(pw) -> None:
    with pytest.raises(PermissionDenied):
        notify(pw, actor=pw.personas.outsider)
    with pytest.raises(PermissionDenied):
        notify(pw, actor=pw.personas.referrer)
