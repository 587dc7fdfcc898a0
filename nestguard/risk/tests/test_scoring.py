"""Scoring at the band edges, the judgement clamp, the trend; and properties over any answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nestguard.risk.loader import Instrument, get_instrument
from nestguard.risk.scoring import answer_errors, judgement_errors, score_answers, trend

CCE = get_instrument("cce_child")
ADULT = get_instrument("cuckooing_adult")
assert CCE is not None and ADULT is not None


def answers_totalling(instrument: Instrument, total: int) -> dict[str, str]:
    """Answers whose scores add up to `total` (greedy: 3s first, then the remainder)."""
    answers: dict[str, str] = {}
    remaining = total
    for item in instrument.items:
        score = min(3, remaining)
        answers[item.code] = next(o.code for o in item.options if o.score == score)
        remaining -= score
    assert remaining == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "low"), (18, "low"), (19, "medium"), (34, "medium"), (35, "high"), (54, "high")],
)
@pytest.mark.parametrize("instrument", [CCE, ADULT], ids=["child", "adult"])
def test_band_edges(instrument, total, band):
    scored = score_answers(instrument, answers_totalling(instrument, total))
    assert scored.assessment_score == total
    assert scored.overall_score == total
    assert scored.band.code == band


@pytest.mark.parametrize(
    ("total", "change", "overall", "band"),
    [
        (18, 1, 19, "medium"),
        (19, -1, 18, "low"),
        (34, 1, 35, "high"),
        (35, -1, 34, "medium"),
        (50, 10, 54, "high"),
        (3, -10, 0, "low"),
        (0, -10, 0, "low"),
        (54, 10, 54, "high"),
    ],
)
def test_judgement_moves_the_score_and_is_kept_in_range(total, change, overall, band):
    scored = score_answers(CCE, answers_totalling(CCE, total), change)
    assert scored.assessment_score == total
    assert scored.judgement_adjustment == change
    assert scored.overall_score == overall
    assert scored.applied_adjustment == overall - total
    assert scored.band.code == band


def test_each_item_contributes_its_option_score():
    answers = answers_totalling(CCE, 0)
    answers["missing_episodes"] = "severe"
    answers["phones_contact"] = "some"
    scored = score_answers(CCE, answers)
    assert scored.item_scores["missing_episodes"] == 3
    assert scored.item_scores["phones_contact"] == 1
    assert sum(scored.item_scores.values()) == scored.assessment_score == 4


def test_every_item_must_be_answered_with_one_of_its_options():
    answers = answers_totalling(CCE, 0)
    del answers["missing_episodes"]
    answers["education"] = "sometimes"
    answers["made_up"] = "none"
    errors = answer_errors(CCE, answers)
    assert errors["answers.missing_episodes"] == "Answer “Missing episodes”"
    assert "Choose one of the answers" in errors["answers.education"]
    assert "made_up" in errors["answers"]
    assert answer_errors(CCE, "not a dict") == {
        "answers": "Answers must be given as item code: option code"
    }
    assert answer_errors(CCE, answers_totalling(CCE, 10)) == {}


@pytest.mark.parametrize(
    ("change", "reason", "field", "message"),
    [
        (3, "", "judgement_reason", "Give the reason"),
        (-2, "   ", "judgement_reason", "Give the reason"),
        (11, "why", "judgement_adjustment", "from -10 to 10"),
        (-11, "why", "judgement_adjustment", "from -10 to 10"),
        ("2", "why", "judgement_adjustment", "whole number"),
        (1.5, "why", "judgement_adjustment", "whole number"),
        (True, "why", "judgement_adjustment", "whole number"),
    ],
)
def test_judgement_needs_a_reason_and_stays_within_its_range(change, reason, field, message):
    errors = judgement_errors(CCE, change, reason)
    assert message in errors[field]


def test_no_change_needs_no_reason():
    assert judgement_errors(CCE, 0, "") == {}
    assert judgement_errors(CCE, 10, "Disclosed threats at home") == {}


@pytest.mark.parametrize(
    ("previous", "now", "expected"),
    [(None, 20, "first"), (20, 25, "increased"), (25, 20, "decreased"), (20, 20, "same")],
)
def test_trend(previous, now, expected):
    assert trend(previous, now) == expected


def _answers_for(instrument: Instrument) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {item.code: st.sampled_from([o.code for o in item.options]) for item in instrument.items}
    )


@given(
    instrument=st.sampled_from([CCE, ADULT]),
    data=st.data(),
    change=st.integers(min_value=-10, max_value=10),
)
def test_any_complete_answers_score_within_range_in_the_band_that_contains_them(
    instrument, data, change
):
    answers = data.draw(_answers_for(instrument))
    assert answer_errors(instrument, answers) == {}
    scored = score_answers(instrument, answers, change)
    assert 0 <= scored.assessment_score <= 54
    assert 0 <= scored.overall_score <= instrument.max_score == 54
    assert scored.band.min <= scored.overall_score <= scored.band.max
    assert scored.assessment_score == sum(scored.item_scores.values())
    assert abs(scored.overall_score - scored.assessment_score) <= abs(change)


@given(st.integers(min_value=0, max_value=54))
def test_every_score_has_exactly_one_band(score):
    assert CCE is not None
    bands = [b for b in CCE.bands if b.contains(score)]
    assert len(bands) == 1
    assert CCE.band_for(score) == bands[0]
