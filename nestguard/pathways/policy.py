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

from nestguard.core.codes import CodeList, code_list

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
