"""Property-based tests of the referral services: whatever arrives, either it is stored as
typed (and valid) or it is refused with a field error and nothing is written."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.audit.models import AuditEvent
from nestguard.core.calendar import UK, is_working_day, working_days_between
from nestguard.places.postcodes import normalise_postcode
from nestguard.referrals import codes as rc
from nestguard.referrals import services
from nestguard.referrals.models import ReferralSubject
from nestguard.referrals.tests.helpers import submitted

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


@PROPERTY
@given(
    given_name=st.text(max_size=120),
    family_name=st.text(max_size=20),
    description=st.text(max_size=60),
    aliases=st.lists(st.text(max_size=30), max_size=4),
)
def test_people_are_stored_as_typed_or_refused(
    personas, given_name, family_name, description, aliases
) -> None:
    referral = services.referral_start(actor=personas.referrer)
    before = ReferralSubject.objects.count()
    try:
        subject = services.referral_subject_add(
            actor=personas.referrer,
            referral=referral,
            role="person_at_risk",
            given_name=given_name,
            family_name=family_name,
            description=description,
            aliases=aliases,
            age_estimate=30,
        )
    except ValidationError as exc:
        assert exc.message_dict  # every refusal names its field
        assert ReferralSubject.objects.count() == before
        return
    subject.refresh_from_db()
    assert subject.given_name == given_name.strip()
    assert subject.family_name == family_name.strip()
    assert subject.description == description.strip()
    assert not any(ch in CONTROL for ch in subject.given_name + subject.description)
    assert len(subject.given_name) <= 100
    assert subject.given_name or subject.family_name
    stored = [a for a in subject.aliases.split(", ") if a]
    assert all(a.strip() in stored for a in aliases if a.strip())


@PROPERTY
@given(
    dob=st.one_of(st.none(), st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1))),
    age=st.one_of(st.none(), st.integers(min_value=-5, max_value=200)),
    unknown=st.booleans(),
)
def test_age_rules_hold_for_any_dates_and_numbers(personas, dob, age, unknown) -> None:
    referral = services.referral_start(actor=personas.referrer)
    expected_ok = (
        (dob is None or date(1900, 1, 1) <= dob <= timezone.localdate())
        and (age is None or 0 <= age <= 120)
        and not (dob is not None and age is not None)
        and (dob is not None or age is not None or unknown)
    )
    try:
        services.referral_subject_add(
            actor=personas.referrer,
            referral=referral,
            role="victim",
            given_name="Sam",
            date_of_birth=dob,
            age_estimate=age,
            identity_unknown=unknown,
        )
    except ValidationError:
        assert not expected_ok
        assert not referral.subjects.exists()
    else:
        assert expected_ok


@PROPERTY
@given(
    postcode=st.one_of(
        st.text(max_size=12),
        st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", fullmatch=True),
    )
)
def test_postcodes_are_normalised_or_refused(personas, postcode) -> None:
    referral = services.referral_start(actor=personas.referrer)
    try:
        services.referral_address_update(
            actor=personas.referrer,
            referral=referral,
            line1="1 Property Street",
            town="Northbrook",
            postcode=postcode,
        )
    except ValidationError as exc:
        assert "postcode" in exc.message_dict
        referral.refresh_from_db()
        assert referral.address_postcode == ""
    else:
        referral.refresh_from_db()
        assert referral.address_postcode == normalise_postcode(postcode.strip())
        assert referral.address_postcode is not None


ALL_CONCERNS = rc.concern_types().values
ALL_SIGNS = rc.indicators().values


@PROPERTY
@given(
    concerns=st.lists(st.one_of(st.sampled_from(ALL_CONCERNS), st.text(max_size=8)), max_size=4),
    signs=st.lists(st.one_of(st.sampled_from(ALL_SIGNS), st.text(max_size=8)), max_size=5),
    words=st.sampled_from(["", "Saw a lot"]),
)
def test_concerns_accept_exactly_the_codes_in_the_lists(personas, concerns, signs, words) -> None:
    referral = services.referral_start(actor=personas.referrer)
    expected_ok = (
        bool(concerns)
        and all(c in ALL_CONCERNS for c in concerns)
        and all(s in ALL_SIGNS for s in signs)
        and (bool(signs) or bool(words))
    )
    events = AuditEvent.objects.count()
    try:
        services.referral_concerns_update(
            actor=personas.referrer,
            referral=referral,
            concern_types=concerns,
            indicators=signs,
            signs_text=words,
        )
    except ValidationError:
        assert not expected_ok
        assert AuditEvent.objects.count() == events
    else:
        assert expected_ok
        referral.refresh_from_db()
        assert referral.concern_types == list(dict.fromkeys(concerns))
        assert referral.indicators == list(dict.fromkeys(signs))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 20)).map(
        lambda d: d.replace(tzinfo=UK)
    )
)
def test_the_triage_deadline_is_five_working_days_on(personas, moment) -> None:
    referral = submitted(personas.referrer, submitted_at=moment)
    due = referral.triage_due_at.astimezone(UK)
    submitted_day = moment.astimezone(UK).date()
    assert is_working_day(due.date())
    assert working_days_between(submitted_day, due.date()) == rc.review_working_days()
    assert due.date() - submitted_day <= timedelta(days=12)
