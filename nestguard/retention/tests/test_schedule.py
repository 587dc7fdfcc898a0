"""The retention schedule as data (issue 15, point 1): every record type the issue names,
each with its source or marked local policy, edited only by a data protection officer,
every change versioned and audited, bad input refused with nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.retention.models import RetentionRule, RuleChange
from nestguard.retention.services import rule_update
from nestguard.retention.services.schedule import schedule_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUE_RECORD_TYPES = {
    "referral_not_accepted",
    "closed_case",
    "case_about_child",
    "warning_marker",
    "missing_episode",
    "nrm_record",
    "intelligence",
    "source_records",
    "audit_events",
    "linkage_lookups",
    "backups",
}


def test_the_first_version_covers_every_record_type_with_a_source() -> None:
    rules = {r.code: r for r in RetentionRule.objects.all()}
    assert set(rules) >= ISSUE_RECORD_TYPES
    data = schedule_data()
    for rule in rules.values():
        assert rule.source.strip()
        assert rule.runs_from in data["runs_from"] and rule.action in data["actions"]
        # A rule that is not local policy cites a primary source.
        assert rule.local_policy or "[P]" in rule.source
        assert rule.local_policy == rule.source.startswith("Local policy")
    assert rules["case_about_child"].runs_from == "subject_25th_birthday"


def test_pinned_defaults() -> None:
    periods = dict(RetentionRule.objects.values_list("code", "period_months"))
    assert periods["referral_not_accepted"] == 24
    assert periods["closed_case"] == 72
    assert periods["audit_search_terms"] == 12


@pytest.fixture
def dpo(personas: Personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="dpo", agency=personas.hub, roles=["data_protection_officer"])


def test_a_change_is_a_new_version_with_who_what_why_and_an_audit_event(dpo) -> None:  # type: ignore[no-untyped-def]
    rule = RetentionRule.objects.get(code="closed_case")
    changed = rule_update(
        actor=dpo,
        rule=rule,
        values={"period_months": 96, "source": rule.source},
        reason="The partnership's DSA review of 2026 set 8 years",
        version=1,
    )
    assert changed.version == 2 and changed.period_months == 96
    change = RuleChange.objects.get(rule=rule)
    assert change.changes == {"period_months": [72, 96]}
    assert change.changed_by == dpo and "DSA" in change.reason
    event = AuditEvent.objects.get(action="retention.rule_update")
    assert event.details["changes"] == {"period_months": [72, 96]}
    with pytest.raises(ValidationError, match="Someone else"):
        rule_update(actor=dpo, rule=rule, values={"period_months": 60}, reason="x", version=1)


@pytest.mark.parametrize(
    ("values", "reason", "field"),
    [
        ({"period_months": -1}, "r", "period_months"),
        ({"period_months": 5000}, "r", "period_months"),
        ({"runs_from": "whenever"}, "r", "runs_from"),
        ({"action": "delete"}, "r", "action"),  # not a method disposal has for cases
        ({"source": " "}, "r", "source"),
        ({"period_months": 60}, "", "reason"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(dpo, values, reason, field) -> None:  # type: ignore[no-untyped-def]
    rule = RetentionRule.objects.get(code="closed_case")
    with pytest.raises(ValidationError) as refused:
        rule_update(actor=dpo, rule=rule, values=values, reason=reason, version=1)
    assert field in refused.value.message_dict
    rule.refresh_from_db()
    assert rule.version == 1 and not RuleChange.objects.exists()
    assert not AuditEvent.objects.filter(action="retention.rule_update").exists()


def test_only_a_data_protection_officer_changes_the_schedule(personas: Personas) -> None:
    rule = RetentionRule.objects.get(code="closed_case")
    for user in (personas.admin, personas.auditor, personas.supervisor):
        with pytest.raises(PermissionDenied):
            rule_update(actor=user, rule=rule, values={"period_months": 1}, reason="r", version=1)
