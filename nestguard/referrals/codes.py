"""The referral code lists (rules as data, in `referrals/data/*.json`) and helpers over them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from nestguard.core.codes import CodeList, code_list
from nestguard.referrals.models import concern_types, indicators, subject_roles

__all__ = [
    "concern_types",
    "consent_reasons",
    "decline_reasons",
    "grouped_indicators",
    "indicator_groups",
    "indicators",
    "redirect_targets",
    "review_working_days",
    "subject_roles",
    "urgency_levels",
]


def urgency_levels() -> CodeList:
    return code_list("referrals", "urgency")


def consent_reasons() -> CodeList:
    return code_list("referrals", "consent_reasons")


def decline_reasons() -> CodeList:
    return code_list("referrals", "decline_reasons")


def redirect_targets() -> CodeList:
    return code_list("referrals", "redirect_targets")


def triage_rules() -> CodeList:
    return code_list("referrals", "triage_rules")


def review_working_days() -> int:
    """Working days triage has to decide on a referral (triage_rules.json)."""
    return int(triage_rules().get("review_working_days")["value"])


def urgency_rank(code: str) -> int:
    return int(urgency_levels().get(code)["rank"])


@cache
def indicator_groups() -> tuple[tuple[str, str], ...]:
    """(code, label) of each indicator group, in the order of indicators.json."""
    path = Path(__file__).parent / "data" / "indicators.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple((g["code"], g["label"]) for g in raw["groups"])


def groups_for(concerns: Iterable[str]) -> list[str]:
    """The indicator groups relevant to these concern types, in file order."""
    wanted: set[str] = set()
    known = concern_types()
    for code in concerns:
        if code in known:
            wanted.update(known.get(code).get("indicator_groups", []))
    return [g for g, _ in indicator_groups() if g in wanted]


def grouped_indicators(
    concerns: Iterable[str], *, also: Iterable[str] = ()
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(code, label)]) for the groups relevant to the concern types.

    Groups holding any code in `also` (signs already chosen) are offered too, so that a
    choice made before the concern types changed is never silently hidden.
    """
    groups = set(groups_for(concerns))
    chosen = set(also)
    for item in indicators().codes:
        if item.code in chosen:
            groups.add(item["group"])
    result = []
    for group, label in indicator_groups():
        if group not in groups:
            continue
        items = [(c.code, c.label) for c in indicators().codes if c["group"] == group]
        result.append((label, items))
    return result
