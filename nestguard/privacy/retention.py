"""The retention period the record of processing shows for each record class, read from the
retention schedule (nestguard.retention), so that the record says what disposal does.

Which schedule rules govern which record class is `data/retention_classes.json`; the periods
themselves are the schedule's rows, as the data protection officer last edited them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from nestguard.retention.models import RetentionRule
from nestguard.retention.services.schedule import schedule_data

NOT_KNOWN_HERE = "See the retention schedule"
CLASSES = Path(__file__).resolve().parent / "data" / "retention_classes.json"


@cache
def rule_codes() -> dict[str, list[str]]:
    """Record class (`app_label.Model`) -> the schedule rules that govern it."""
    return dict(json.loads(CLASSES.read_text(encoding="utf-8"))["classes"])


def _period(rule: RetentionRule, runs_from: dict[str, str]) -> str:
    start = runs_from.get(rule.runs_from, rule.runs_from).lower()
    if rule.period_months == 0:
        return f"{rule.label}: until {start}, then {rule.action}"
    months = rule.period_months
    span = f"{months // 12} years" if months % 12 == 0 and months >= 12 else f"{months} months"
    return f"{rule.label}: {span} from {start}, then {rule.action}"


def retention_period_for(model_label: str) -> str | None:
    """The retention of a record class in words (each rule that governs it), or None when
    no rule of the schedule does."""
    codes = rule_codes().get(model_label)
    if not codes:
        return None
    rules = {r.code: r for r in RetentionRule.objects.filter(code__in=codes)}
    runs_from = schedule_data()["runs_from"]
    periods = [_period(rules[code], runs_from) for code in codes if code in rules]
    return "; ".join(periods) or None


def retention_text(model_label: str) -> str:
    return retention_period_for(model_label) or NOT_KNOWN_HERE
