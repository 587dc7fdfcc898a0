"""The pathways' rules and code lists, from `pathways/data/*.json`, each with its source.

`rule_value` reads the numbers and switches (72 hours, 5 working days, three episodes in 90
days) so that a partnership tunes a file, not the code; a test pins the defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nestguard.core.codes import Code, CodeList, code_list

DATA = Path(__file__).parent / "data"


def codes(name: str) -> CodeList:
    return code_list("pathways", name)


def rule_value(list_name: str, code: str) -> Any:
    value = codes(list_name).get(code).get("value")
    if value is None:
        raise ValueError(f"rule {list_name}.{code} has no value")
    return value


def rhi_hours() -> int:
    return int(rule_value("missing_rules", "rhi_hours"))


@dataclass(frozen=True)
class RepeatRule:
    episodes: int
    window_days: int
    children_only: bool

    @classmethod
    def default(cls) -> RepeatRule:
        return cls(
            episodes=int(rule_value("missing_rules", "repeat_episodes")),
            window_days=int(rule_value("missing_rules", "repeat_window_days")),
            children_only=bool(rule_value("missing_rules", "repeat_children_only")),
        )

    def with_params(self, params: Any) -> RepeatRule:
        """A panel's agenda rule may set its own numbers; anything else is refused."""
        unknown = set(params or {}) - {"episodes", "window_days", "children_only"}
        if unknown:
            raise ValueError(f"unknown repeat_missing parameters: {sorted(unknown)}")
        rule = RepeatRule(
            episodes=int((params or {}).get("episodes", self.episodes)),
            window_days=int((params or {}).get("window_days", self.window_days)),
            children_only=bool((params or {}).get("children_only", self.children_only)),
        )
        if rule.episodes < 1 or rule.window_days < 1:
            raise ValueError("repeat_missing needs at least one episode and one day")
        return rule


@dataclass(frozen=True)
class NrmTransitions:
    """Which stages each NRM action may start from (`stage` or `stage:rg|cg`)."""

    allowed_from: dict[str, tuple[str, ...]]

    def allows(self, action: str, stage_key: str) -> bool:
        return stage_key in self.allowed_from[action]


@cache
def nrm_transitions() -> NrmTransitions:
    raw = json.loads((DATA / "nrm_stages.json").read_text(encoding="utf-8"))
    stages = {entry["code"] for entry in raw["codes"]}
    allowed: dict[str, tuple[str, ...]] = {}
    for action, sources in raw["transitions"].items():
        for source in sources:
            if source.split(":")[0] not in stages:
                raise ValueError(f"nrm_stages: {action} starts from unknown stage {source!r}")
        allowed[action] = tuple(sources)
    expected = {"reasonable_grounds", "conclusive_grounds", "reconsideration", "withdrawal"}
    if set(allowed) != expected:
        raise ValueError(f"nrm_stages transitions must name exactly {sorted(expected)}")
    return NrmTransitions(allowed)


@dataclass(frozen=True)
class Eligibility:
    min_age: int | None = None
    max_age: int | None = None
    consent_required: bool = False
    concern_types_any: tuple[str, ...] = ()

    def reasons_not_eligible(
        self, *, age: int | None, consent_given: bool, concern_types: list[str]
    ) -> list[str]:
        """Why a person cannot be referred, in words; empty when they can."""
        reasons = []
        if (self.min_age is not None or self.max_age is not None) and age is None:
            reasons.append("The service has an age range and the person's age is not recorded")
        if age is not None and self.min_age is not None and age < self.min_age:
            reasons.append(f"The service is for people aged {self.min_age} or over; they are {age}")
        if age is not None and self.max_age is not None and age > self.max_age:
            reasons.append(
                f"The service is for people aged {self.max_age} or under; they are {age}"
            )
        if self.consent_required and not consent_given:
            reasons.append("The service takes referrals only with the person's consent")
        if self.concern_types_any and not set(self.concern_types_any) & set(concern_types):
            wanted = ", ".join(self.concern_types_any)
            reasons.append(f"The service needs a case with one of these concerns: {wanted}")
        return reasons


_ELIGIBILITY_KEYS = {"min_age", "max_age", "consent_required", "concern_types_any"}


def eligibility(service: Code) -> Eligibility:
    raw = service.get("eligibility") or {}
    unknown = set(raw) - _ELIGIBILITY_KEYS
    if unknown:
        raise ValueError(f"service {service.code}: unknown eligibility rules {sorted(unknown)}")
    return Eligibility(
        min_age=raw.get("min_age"),
        max_age=raw.get("max_age"),
        consent_required=bool(raw.get("consent_required", False)),
        concern_types_any=tuple(raw.get("concern_types_any", ())),
    )


def services() -> CodeList:
    return codes("services")
