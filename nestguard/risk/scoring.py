"""Scoring answers against an instrument: pure functions, no database.

The assessment score is the sum of the chosen options' scores. A professional-judgement
change (within the instrument's range, with a reason) moves it; the overall score is kept
within 0 and the instrument's maximum, and banded by the instrument's bands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nestguard.risk.loader import Band, Instrument


@dataclass(frozen=True)
class Scored:
    item_scores: dict[str, int]
    assessment_score: int
    judgement_adjustment: int
    overall_score: int
    band: Band

    @property
    def applied_adjustment(self) -> int:
        """The change the judgement actually made once the score was kept within range."""
        return self.overall_score - self.assessment_score


def answer_errors(instrument: Instrument, answers: Any) -> dict[str, str]:
    """Messages keyed `answers.<item code>` (or `answers`) for what is missing or unknown."""
    if not isinstance(answers, dict):
        return {"answers": "Answers must be given as item code: option code"}
    errors: dict[str, str] = {}
    unknown = sorted(str(k)[:60] for k in answers if instrument.item(str(k)) is None)
    if unknown:
        errors["answers"] = f"These are not items of {instrument.title}: {', '.join(unknown)}"
    for item in instrument.items:
        chosen = answers.get(item.code)
        if chosen is None or chosen == "":
            errors[f"answers.{item.code}"] = f"Answer “{item.label}”"
        elif not isinstance(chosen, str) or item.option(chosen) is None:
            errors[f"answers.{item.code}"] = f"Choose one of the answers given for “{item.label}”"
    return errors


def judgement_errors(instrument: Instrument, adjustment: Any, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    low, high = instrument.judgement_min, instrument.judgement_max
    if isinstance(adjustment, bool) or not isinstance(adjustment, int):
        errors["judgement_adjustment"] = (
            f"The professional judgement change must be a whole number from {low} to {high}"
        )
    elif not low <= adjustment <= high:
        errors["judgement_adjustment"] = (
            f"The professional judgement change must be from {low} to {high}"
        )
    elif adjustment != 0 and not reason.strip():
        errors["judgement_reason"] = "Give the reason for the professional judgement change"
    return errors


def score_answers(instrument: Instrument, answers: dict[str, str], adjustment: int = 0) -> Scored:
    """Score complete, valid answers (check them with `answer_errors` first)."""
    item_scores: dict[str, int] = {}
    for item in instrument.items:
        option = item.option(answers[item.code])
        if option is None:
            raise ValueError(f"{answers[item.code]!r} is not an answer to {item.code}")
        item_scores[item.code] = option.score
    total = sum(item_scores.values())
    overall = max(0, min(instrument.max_score, total + adjustment))
    return Scored(
        item_scores=item_scores,
        assessment_score=total,
        judgement_adjustment=adjustment,
        overall_score=overall,
        band=instrument.band_for(overall),
    )


def trend(previous_score: int | None, score: int) -> str:
    if previous_score is None:
        return "first"
    if score > previous_score:
        return "increased"
    if score < previous_score:
        return "decreased"
    return "same"
