"""The prevention rules (prevention/data/rules.json, decision 0090) and the one function that
applies them.

Fairness by construction: `score` takes signals only, each a code, a date and an amount
(`SignalFact`), for one address and one housing agency. Nothing about the people living
there (age, sex, disability, ethnicity or any other characteristic) can reach it, because it
is given none; a test pins its signature and the data file's keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from nestguard.core.codes import CodeList, code_list

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"
HOUSING_AGENCY_TYPES = frozenset({"housing", "housing_association"})


def signal_codes() -> CodeList:
    return code_list("prevention", "signals")


class SignalFact(NamedTuple):
    """All the rules may know of a signal."""

    code: str
    observed_on: date
    amount: Decimal | None


@dataclass(frozen=True)
class Rule:
    signal: str
    weight: int
    window_days: int
    max_count: int
    source: str
    min_amount: Decimal | None = None

    def counts(self, fact: SignalFact, week_start: date) -> bool:
        """Observed within the window before the week starts (the week's own days are next
        week's), and, for a rule with a minimum amount, owing at least that much."""
        first = week_start - timedelta(days=self.window_days)
        if not first <= fact.observed_on < week_start:
            return False
        if self.min_amount is not None:
            return fact.amount is not None and fact.amount >= self.min_amount
        return True


@dataclass(frozen=True)
class Rules:
    version: str
    threshold: int
    retention_days: int
    rules: dict[str, Rule]


@dataclass(frozen=True)
class Contribution:
    code: str
    observed_on: date
    weight: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.code,
            "observed_on": self.observed_on.isoformat(),
            "weight": self.weight,
        }


@dataclass(frozen=True)
class Score:
    total: int
    contributions: tuple[Contribution, ...]

    def qualifies(self, rules: Rules) -> bool:
        return self.total >= rules.threshold


def parse_rules(raw: dict[str, Any]) -> Rules:
    """The rules of a data file, refused whole if any rule is not about a known signal."""
    known = set(signal_codes().values)
    rules: dict[str, Rule] = {}
    for signal, spec in raw["rules"].items():
        if signal not in known:
            raise ValueError(f"rules.json: {signal!r} is not a signal code")
        if not spec.get("source"):
            raise ValueError(f"rules.json: the rule for {signal!r} names no source")
        minimum = spec.get("min_amount")
        rules[signal] = Rule(
            signal=signal,
            weight=int(spec["weight"]),
            window_days=int(spec["window_days"]),
            max_count=int(spec["max_count"]),
            source=str(spec["source"]),
            min_amount=Decimal(minimum) if minimum is not None else None,
        )
    return Rules(
        version=str(raw["version"]),
        threshold=int(raw["threshold"]),
        retention_days=int(raw["retention_days"]),
        rules=rules,
    )


@cache
def prevention_rules() -> Rules:
    return parse_rules(json.loads(RULES_FILE.read_text(encoding="utf-8")))


def score(facts: Iterable[SignalFact], week_start: date, rules: Rules) -> Score:
    """The week's score of one address for one agency: each rule's weight for each signal
    in its window, newest first, up to the rule's `max_count`."""
    facts = list(facts)
    contributions: list[Contribution] = []
    for rule in rules.rules.values():
        matching = sorted(
            (f for f in facts if f.code == rule.signal and rule.counts(f, week_start)),
            key=lambda f: f.observed_on,
            reverse=True,
        )
        for fact in matching[: rule.max_count]:
            contributions.append(Contribution(rule.signal, fact.observed_on, rule.weight))
    contributions.sort(key=lambda c: (c.observed_on, c.code), reverse=True)
    return Score(sum(c.weight for c in contributions), tuple(contributions))


def week_start_of(day: date) -> date:
    """The Monday of the (UK) week of `day`."""
    return day - timedelta(days=day.weekday())
