"""The retention schedule: loaded from data/schedule.json, edited by the data protection
officer, every change versioned (who, when, what, why) and audited."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import Role, User
from nestguard.audit.services import audit_record
from nestguard.retention.models import RetentionRule, RuleChange

SCHEDULE_FILE = Path(__file__).resolve().parent.parent / "data" / "schedule.json"
EDITABLE = ("period_months", "runs_from", "action", "local_policy", "source")
# Disposal can carry out only these actions per record type; the others are for review.
ACTIONS_FOR = {
    "referral_not_accepted": {"anonymise", "review"},
    "closed_case": {"anonymise", "review"},
    "case_about_child": {"anonymise", "review"},
    "audit_search_terms": {"redact", "review"},
    "linkage_lookups": {"redact", "review"},
    "audit_events": {"redact", "review"},
    "warning_marker": {"delete", "review"},
    "missing_episode": {"anonymise", "review"},
    "nrm_record": {"anonymise", "review"},
    "intelligence": {"review"},
    "source_records": {"anonymise", "review"},
    "public_report": {"anonymise", "review"},
    "deconfliction_notice": {"anonymise", "review"},
    "housing_signal": {"anonymise", "review"},
    "prevent_referral": {"anonymise", "review"},
    "placement": {"anonymise", "review"},
    "education_status": {"anonymise", "review"},
    "transition_plan": {"anonymise", "review"},
    "backups": {"expire"},
}
MAX_PERIOD_MONTHS = 1200  # 100 years: the longest period in the reference material (adoption)


@cache
def schedule_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEDULE_FILE.read_text())
    return data


def schedule_load() -> int:
    """Create the rows of rules not yet in the table (from the data file); edits made since
    are kept. Returns how many were added. Run by the migration and by the demo."""
    added = 0
    for rule in schedule_data()["rules"]:
        _, created = RetentionRule.objects.get_or_create(
            code=rule["code"],
            defaults={
                k: rule[k]
                for k in (
                    "label",
                    "runs_from",
                    "period_months",
                    "action",
                    "automated",
                    "local_policy",
                    "source",
                )
            },
        )
        added += int(created)
    return added


def may_manage_retention(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_role(Role.DATA_PROTECTION_OFFICER)
    )


def _require_officer(actor: User) -> None:
    if not may_manage_retention(actor):
        raise PermissionDenied("Only a data protection officer manages retention")


def _validate(rule: RetentionRule, values: dict[str, Any], reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    period = values.get("period_months")
    if not isinstance(period, int) or period < 0 or period > MAX_PERIOD_MONTHS:
        errors["period_months"] = [f"Enter a period from 0 to {MAX_PERIOD_MONTHS} months"]
    if values.get("runs_from") not in schedule_data()["runs_from"]:
        errors["runs_from"] = ["Select the event the period runs from"]
    action = values.get("action")
    allowed = ACTIONS_FOR.get(rule.code, set(schedule_data()["actions"]))
    if action not in allowed:
        errors["action"] = [
            "Select what disposal does; for this record type: " + ", ".join(sorted(allowed))
        ]
    if not str(values.get("source", "")).strip():
        errors["source"] = ["Enter the source of this rule, or say that it is local policy"]
    if not reason.strip():
        errors["reason"] = ["Enter why the rule changes"]
    return errors


def rule_update(
    *, actor: User, rule: RetentionRule, values: dict[str, Any], reason: str, version: int
) -> RetentionRule:
    """Change a rule's period, trigger, action, source or local-policy mark; keeps the
    change as a new version with its reason, and audits it."""
    _require_officer(actor)
    values = {k: values[k] for k in EDITABLE if k in values}
    errors = _validate(rule, {**{k: getattr(rule, k) for k in EDITABLE}, **values}, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        if current.version != version:
            raise ValidationError(
                {"version": ["Someone else changed this rule since you opened it; reload it"]}
            )
        changes = {
            k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v
        }
        if not changes:
            raise ValidationError({"period_months": ["Nothing changed"]})
        for key, value in values.items():
            setattr(current, key, value)
        current.version += 1
        current.updated_by = actor
        current.save()
        RuleChange.objects.create(
            rule=current,
            version=current.version,
            changed_at=timezone.now(),
            changed_by=actor,
            changes=changes,
            reason=reason.strip(),
        )
        audit_record(
            actor=actor,
            action="retention.rule_update",
            obj=current,
            purpose="data_protection",
            details={"version": current.version, "changes": changes, "reason": reason.strip()},
        )
    return current
