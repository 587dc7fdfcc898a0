"""Partner intelligence and incidents about an address, and the repeat-address rule.

The rule is data (`data/rules.json`, `repeat_address`): N or more reports (referrals,
partner intelligence, incidents) about one address within a window raise ONE open alert for
the police and ASB leads. Reports counted towards an alert that has been decided do not count
again: a new alert needs N new reports after the decision.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.audit.services import audit_record
from nestguard.core.calendar import UK
from nestguard.core.validation import code_value, date_value, text_value
from nestguard.places.models import (
    Address,
    AddressReport,
    AlertStatus,
    RepeatAddressAlert,
    repeat_decisions,
    report_kinds,
)
from nestguard.places.policy import places_rules
from nestguard.referrals.models import Referral, ReferralStatus

SUMMARY_MAX = 5000
REASON_MAX = 2000


def can_record_report(user: Any) -> bool:
    return can_work_cases(user)


def can_work_repeat_alerts(user: Any) -> bool:
    """The police and ASB leads: caseworkers and supervisors of the agency types the rule
    names (docs/decisions/0010-places.md)."""
    if not can_work_cases(user) or user.agency is None:
        return False
    return user.agency.type in places_rules().repeat_address.queue_agency_types


def address_report_record(
    *, actor: Any, address: Address, kind: Any, occurred_on: Any, summary: Any
) -> AddressReport:
    """Record partner intelligence or an incident about an address; then apply the rule."""
    if not can_record_report(actor):
        raise PermissionDenied("Only caseworkers and supervisors record reports about an address")
    errors: dict[str, str] = {}
    kind = code_value(errors, "kind", kind, report_kinds(), "Choose what kind of report it is")
    if kind and not report_kinds().get(kind).get("recorded_by_staff", True):
        # Public reports come only from the public form (decision 0100).
        errors["kind"] = "Choose what kind of report it is"
    occurred = date_value(errors, "occurred_on", occurred_on, label="date", required=True)
    if occurred and occurred > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
    text = text_value(
        errors, "summary", summary, label="What was reported", max_length=SUMMARY_MAX, required=True
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = AddressReport.objects.create(
            address=address,
            kind=kind,
            occurred_on=occurred,  # type: ignore[misc]  # checked above
            summary=text,
            agency=actor.agency,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="address_report.record",
            obj=report,
            details={"address": str(address.pk), "kind": kind},
        )
        repeat_address_check(actor=actor, address=address)
    return report


def address_report_record_public(
    *, address: Address, occurred_on: date, summary: str, agency: Any
) -> AddressReport:
    """A public report about an address (nestguard.public, decision 0100): it counts towards a
    repeat address like partner intelligence. No user records it (`recorded_by` is empty); the
    hub agency that triages it is its agency. The caller validated the report and holds the
    transaction; then the rule is applied."""
    report = AddressReport.objects.create(
        address=address,
        kind="public_report",
        occurred_on=occurred_on,
        summary=summary,
        agency=agency,
        recorded_by=None,
    )
    audit_record(
        actor=None,
        action="address_report.record",
        obj=report,
        details={"address": str(address.pk), "kind": "public_report"},
    )
    repeat_address_check(actor=None, address=address)
    return report


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def _last_decision(address: Address) -> datetime | None:
    decided: datetime | None = (
        RepeatAddressAlert.objects.filter(address=address, status=AlertStatus.DECIDED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return decided


def reports_counted(address: Address, as_of: date | None = None) -> int:
    """Reports about the address inside the window ending on `as_of` (UK dates), leaving out
    those already dealt with by a decided alert."""
    rule = places_rules().repeat_address
    as_of = as_of or timezone.localdate()
    first_day = as_of - timedelta(days=rule.window_days - 1)
    since, until = _start_of(first_day), _start_of(as_of + timedelta(days=1))
    decided = _last_decision(address)
    total = 0
    if "referral" in rule.counts:
        referrals = Referral.objects.filter(
            address=address, submitted_at__gte=max(since, decided) if decided else since,
            submitted_at__lt=until,
        ).exclude(status=ReferralStatus.DRAFT)  # fmt: skip
        total += referrals.count()
    kinds = [k for k in rule.counts if k != "referral"]
    if kinds:
        reports = AddressReport.objects.filter(
            address=address, kind__in=kinds, occurred_on__gte=first_day, occurred_on__lte=as_of
        )
        if decided:
            reports = reports.filter(created_at__gt=decided)
        total += reports.count()
    return total


def repeat_address_check(
    *, actor: Any, address: Address, as_of: date | None = None
) -> RepeatAddressAlert | None:
    """Raise the alert when the rule is met and none is open. Idempotent: the open alert is
    returned as it is; the database refuses a second open one (`one_open_repeat_alert`)."""
    rule = places_rules().repeat_address
    open_alert = RepeatAddressAlert.objects.filter(address=address, status=AlertStatus.OPEN).first()
    if open_alert is not None:
        return open_alert
    count = reports_counted(address, as_of)
    if count < rule.threshold:
        return None
    try:
        with transaction.atomic():
            alert = RepeatAddressAlert.objects.create(
                address=address,
                report_count=count,
                window_days=rule.window_days,
                threshold=rule.threshold,
            )
            audit_record(
                actor=actor,
                action="repeat_alert.raise",
                obj=alert,
                details={"address": str(address.pk), "reports": count, "rule": rule.words},
            )
    except IntegrityError:  # raised at the same moment by another request
        return RepeatAddressAlert.objects.get(address=address, status=AlertStatus.OPEN)
    return alert


def repeat_address_scan(*, actor: Any, as_of: date | None = None) -> list[RepeatAddressAlert]:
    """Apply the rule to every address with reports in the window (a nightly job, the demo):
    the candidates are found with two grouped queries, then each is checked."""
    rule = places_rules().repeat_address
    as_of = as_of or timezone.localdate()
    since = _start_of(as_of - timedelta(days=rule.window_days - 1))
    counts: dict[Any, int] = {}
    if "referral" in rule.counts:
        rows = (
            Referral.objects.filter(submitted_at__gte=since, address__isnull=False)
            .exclude(status=ReferralStatus.DRAFT)
            .values("address_id")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[row["address_id"]] = counts.get(row["address_id"], 0) + row["n"]
    kinds = [k for k in rule.counts if k != "referral"]
    if kinds:
        report_rows = (
            AddressReport.objects.filter(kind__in=kinds, occurred_on__gte=since.date())
            .values("address_id")
            .annotate(n=Count("id"))
        )
        for row in report_rows:
            counts[row["address_id"]] = counts.get(row["address_id"], 0) + row["n"]
    candidates = [pk for pk, n in counts.items() if n >= rule.threshold]
    raised = []
    for address in Address.objects.filter(pk__in=candidates).order_by("pk"):
        alert = repeat_address_check(actor=actor, address=address, as_of=as_of)
        if alert is not None:
            raised.append(alert)
    return raised


def repeat_alert_decide(
    *, actor: Any, alert: RepeatAddressAlert, decision: Any, reason: Any
) -> RepeatAddressAlert:
    """Record what the partnership decided. "No action" needs its reason."""
    if not can_work_repeat_alerts(actor):
        raise PermissionDenied("Only the police and ASB leads decide repeat-address alerts")
    errors: dict[str, str] = {}
    if alert.status != AlertStatus.OPEN:
        errors["decision"] = "This alert has already been decided"
    decision = code_value(errors, "decision", decision, repeat_decisions(), "Choose the decision")
    required = bool(decision) and bool(repeat_decisions().get(decision).get("reason_required"))
    text = text_value(
        errors, "reason", reason, label="Reason", max_length=REASON_MAX, required=required
    )
    if required and "reason" in errors and errors["reason"].startswith("Enter"):
        errors["reason"] = "Give the reason for taking no action"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        alert.status = AlertStatus.DECIDED
        alert.decision = decision
        alert.decision_reason = text
        alert.decided_by = actor
        alert.decided_at = timezone.now()
        alert.save(
            update_fields=[
                "status",
                "decision",
                "decision_reason",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="repeat_alert.decide",
            obj=alert,
            details={"decision": decision, "reason_given": bool(text)},
        )
    return alert
