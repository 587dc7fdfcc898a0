"""assessment_record: who may assess, what is refused, and what the case takes from it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.audit.models import AuditEvent
from nestguard.cases.models import ChronologyEntry
from nestguard.cases.services.closing import case_close
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.risk.loader import get_instrument
from nestguard.risk.models import RiskAssessment
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import answers_totalling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CCE = get_instrument("cce_child")
assert CCE is not None


def assess(actor, case, total=20, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("stage", "initial")
    return assessment_record(
        actor=actor,
        case=case,
        instrument="cce_child",
        answers=answers_totalling(CCE, total),
        **kwargs,
    )


def test_an_assessment_scores_bands_and_sets_the_case_risk(personas, world):
    record = assess(
        personas.owner,
        world.case,
        total=30,
        judgement_adjustment=6,
        judgement_reason="Threats to the family disclosed at the home visit",
    )
    assert (record.assessment_score, record.overall_score, record.band) == (30, 36, "high")
    assert record.instrument == "cce_child" and record.instrument_version == "1"
    assert record.trend == "first"
    assert record.next_review_on == timezone.localdate() + timedelta(days=14)
    assert sum(record.item_scores.values()) == 30
    assert set(record.answers) == {i.code for i in CCE.items}
    world.case.refresh_from_db()
    assert (world.case.risk_band, world.case.risk_score) == ("high", 36)
    assert world.case.next_review_on == record.next_review_on
    event = AuditEvent.objects.get(action="risk.assess")
    assert event.object_id == str(record.pk)
    assert event.details["band"] == "high" and event.details["score"] == 36
    entry = ChronologyEntry.objects.filter(case=world.case).order_by("-occurred_at").first()
    assert entry is not None and "36 of 54" in entry.text and "high" in entry.text


@pytest.mark.parametrize(
    ("total", "band", "days"),
    [(18, "low", 56), (19, "medium", 28), (34, "medium", 28), (35, "high", 14)],
)
def test_review_date_comes_from_the_band(personas, world, total, band, days):
    record = assess(personas.owner, world.case, total=total)
    assert record.band == band
    assert record.next_review_on == timezone.localdate() + timedelta(days=days)


def test_trend_compares_with_the_last_assessment_of_the_same_instrument(personas, world):
    first = assess(personas.owner, world.case, total=20)
    up = assess(personas.owner, world.case, total=25, stage="review")
    down = assess(personas.owner, world.case, total=10, stage="review")
    same = assess(personas.owner, world.case, total=10, stage="final")
    assert [r.trend for r in (first, up, down, same)] == ["first", "increased", "decreased", "same"]
    other = assessment_record(
        actor=personas.owner,
        case=world.case,
        instrument="cuckooing_adult",
        stage="initial",
        answers=answers_totalling(get_instrument("cuckooing_adult"), 40),  # type: ignore[arg-type]
    )
    assert other.trend == "first"
    another_case = make_case(personas.owner)
    assert assess(personas.owner, another_case, total=5).trend == "first"


def test_the_trend_compares_overall_scores_after_judgement(personas, world):
    assess(personas.owner, world.case, total=20, judgement_adjustment=5, judgement_reason="r")
    record = assess(personas.owner, world.case, total=25, stage="review")
    assert record.trend == "same"


def _count() -> tuple[int, int]:
    return RiskAssessment.objects.count(), AuditEvent.objects.filter(action="risk.assess").count()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"stage": "interim"}, "stage"),
        ({"judgement_adjustment": 4}, "judgement_reason"),
        ({"judgement_adjustment": 11, "judgement_reason": "r"}, "judgement_adjustment"),
        ({"judgement_adjustment": "3", "judgement_reason": "r"}, "judgement_adjustment"),
        ({"judgement_adjustment": 2, "judgement_reason": "x" * 2001}, "judgement_reason"),
        ({"judgement_adjustment": 2, "judgement_reason": "bell\x07"}, "judgement_reason"),
        ({"judgement_reason": 12}, "judgement_reason"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(personas, world, kwargs, field):
    before = _count()
    with pytest.raises(ValidationError) as caught:
        assess(personas.owner, world.case, **kwargs)
    assert field in caught.value.message_dict
    assert _count() == before
    world.case.refresh_from_db()
    assert world.case.risk_band == ""


def test_every_item_must_be_answered(personas, world):
    answers = answers_totalling(CCE, 10)
    del answers["education"]
    answers["phones_contact"] = "lots"
    with pytest.raises(ValidationError) as caught:
        assessment_record(
            actor=personas.owner,
            case=world.case,
            instrument="cce_child",
            stage="initial",
            answers=answers,
        )
    errors = caught.value.message_dict
    assert errors["answers.education"] == ["Answer “School or college attendance and engagement”"]
    assert "answers.phones_contact" in errors
    assert RiskAssessment.objects.count() == 0


def test_an_unknown_instrument_is_refused(personas, world):
    with pytest.raises(ValidationError) as caught:
        assessment_record(
            actor=personas.owner, case=world.case, instrument="dash", stage="initial", answers={}
        )
    assert caught.value.message_dict == {"instrument": ["Choose an assessment tool"]}


def test_the_person_must_be_in_the_case_and_of_the_right_age(personas, world):
    today = timezone.localdate()
    child = add_person(
        personas.owner,
        world.case,
        role="person_at_risk",
        given_name="Kai",
        # 14 today; on 29 February, born on the 28th (that year has no 29th).
        date_of_birth=date(today.year - 14, today.month, min(today.day, 28)),
    )
    record = assess(personas.owner, world.case, person=child)
    assert record.person == child
    with pytest.raises(ValidationError) as caught:
        assess(personas.owner, world.case, person=world.victim)  # an adult, born 1970
    assert "for children" in caught.value.message_dict["person"][0]
    stranger = make_case(personas.owner)
    outsider_person = add_person(personas.owner, stranger, given_name="Other")
    with pytest.raises(ValidationError) as caught:
        assess(personas.owner, world.case, person=outsider_person)
    assert caught.value.message_dict == {"person": ["Choose a person named on this case"]}


def test_permissions(personas, world):
    # The lead agency's supervisor may assess; a partner on the team may not; nor an outsider.
    assert assess(personas.supervisor, world.case).pk
    for name in ("partner", "outsider", "auditor", "admin", "referrer"):
        with pytest.raises(PermissionDenied):
            assess(getattr(personas, name), world.case)
    assert RiskAssessment.objects.count() == 1


def test_a_partner_named_on_the_team_may_assess(personas, world):
    from nestguard.cases.services.work import case_team_add_user

    case_team_add_user(actor=personas.owner, case=world.case, user=personas.partner)
    assert assess(personas.partner, world.case).pk


def test_a_closed_case_cannot_be_assessed(personas, world):
    case_close(
        actor=personas.owner,
        case=world.case,
        outcomes=["moved"],
        resolution="positively_resolved",
        summary="Moved away",
    )
    with pytest.raises(ValidationError) as caught:
        assess(personas.owner, world.case)
    assert "closed" in caught.value.message_dict["case"][0]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    scores=st.lists(st.integers(min_value=0, max_value=3), min_size=18, max_size=18),
    change=st.integers(min_value=-10, max_value=10),
)
def test_property_any_complete_assessment_bands_its_overall_score(personas, scores, change):
    owner = UserFactory(username="prop.owner", agency=personas.hub, roles=["caseworker"])
    case = make_case(owner)
    answers = {
        item.code: next(o.code for o in item.options if o.score == score)
        for item, score in zip(CCE.items, scores, strict=True)
    }
    record = assessment_record(
        actor=owner,
        case=case,
        instrument=CCE,
        stage="initial",
        answers=answers,
        judgement_adjustment=change,
        judgement_reason="Professional view" if change else "",
    )
    band = CCE.band(record.band)
    assert band is not None
    assert 0 <= record.overall_score <= 54
    assert band.min <= record.overall_score <= band.max
    assert record.assessment_score == sum(scores)
    case.refresh_from_db()
    assert case.risk_score == record.overall_score and case.risk_band == record.band
