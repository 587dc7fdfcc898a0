"""What is past its retention period, per automated rule, and not held, already in a batch
awaiting review, retained by an extension, or already disposed of."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nestguard.audit.models import AuditEvent, HashScheme
from nestguard.cases.models import Case, CaseStatus
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.retention.models import BatchStatus, DisposalItem, RetentionRule
from nestguard.retention.services.holds import CASE, REFERRAL, held_records

# The most records one nightly batch lists per rule; the rest wait for the next night, so a
# review stays readable and a carry-out stays a bounded transaction.
MAX_BATCH = 500
NOT_ACCEPTED = (ReferralStatus.DECLINED, ReferralStatus.REDIRECTED)
# The audit events whose details record what someone typed: the "already known?" lookups
# (linkage) have their own rule; every other lookup records `terms` (access.door).
LOOKUP_ACTIONS = ("linkage.candidates", "linkage.candidates_refused")


@dataclass(frozen=True)
class Candidate:
    record_type: str
    record_id: str
    reference: str
    about_child: bool


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st falls back to the
    month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def cutoff_for(rule: RetentionRule, now: datetime | None = None) -> datetime:
    return months_before(now or timezone.now(), rule.period_months)


def _taken(record_type: str) -> set[str]:
    """Records already disposed of, awaiting review, or retained until a day not yet come."""
    today = timezone.localdate()
    rows = DisposalItem.objects.filter(record_type=record_type).filter(
        Q(disposed_at__isnull=False)
        | Q(batch__status__in=(BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND))
        | Q(retain_until__gte=today)
    )
    return set(rows.values_list("record_id", flat=True))


def age_when(person: Person, day: date) -> int | None:
    return person.age_on(day)


def twenty_fifth_birthday(person: Person, opened: date) -> date | None:
    """From the date of birth, or (only an age estimate) from the age when the case opened."""
    if person.date_of_birth:
        return years_after(person.date_of_birth, 25)
    if person.age_estimate is not None:
        return years_after(opened, max(0, 25 - person.age_estimate))
    return None


def _child_subjects(case: Case) -> list[Person]:
    opened = timezone.localdate(case.opened_at)
    children = []
    for link in case.subjects.all():
        age = age_when(link.person, opened)
        if age is not None and age < 18:
            children.append(link.person)
    return children


def _about_child(referral: Referral) -> bool:
    if referral.decided_at is None:
        return False
    day = timezone.localdate(referral.decided_at)
    ages = [s.person.age_on(day) for s in referral.subjects.all() if s.person is not None]
    return any(age is not None and age < 18 for age in ages)


def referral_candidates(rule: RetentionRule) -> list[Candidate]:
    taken = _taken(REFERRAL)
    held = {key for kind, key in held_records() if kind == REFERRAL}
    rows = (
        Referral.objects.filter(status__in=NOT_ACCEPTED, decided_at__lte=cutoff_for(rule))
        .order_by("decided_at", "pk")
        .only("pk", "reference", "decided_at")
        .prefetch_related("subjects__person")
    )
    found: list[Candidate] = []
    for referral in rows.iterator(chunk_size=500):
        key = str(referral.pk)
        if key in taken or key in held:
            continue
        child = _about_child(referral)
        found.append(Candidate(REFERRAL, key, referral.reference, child))
        if len(found) >= MAX_BATCH:
            break
    return found


def case_candidates(rule: RetentionRule, *, children: bool) -> list[Candidate]:
    """Closed cases past the rule: about adults (`children=False`, from closure) or about a
    child (the later of the rule's period after closure and the youngest child subject's
    25th birthday)."""
    taken = _taken(CASE)
    held = {key for kind, key in held_records() if kind == CASE}
    today = timezone.localdate()
    rows = (
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lte=cutoff_for(rule))
        .order_by("closed_at", "pk")
        .prefetch_related("subjects__person")
    )
    found: list[Candidate] = []
    for case in rows.iterator(chunk_size=500):
        key = str(case.pk)
        if key in taken or key in held:
            continue
        kids = _child_subjects(case)
        if bool(kids) != children:
            continue
        if kids:
            opened = timezone.localdate(case.opened_at)
            birthdays = [twenty_fifth_birthday(p, opened) for p in kids]
            if any(b is None or b > today for b in birthdays):
                continue
        found.append(Candidate(CASE, key, case.reference, bool(kids)))
        if len(found) >= MAX_BATCH:
            break
    return found


def audit_events_for(rule: RetentionRule, cutoff: datetime) -> QuerySet[AuditEvent]:
    """The events a redaction rule covers, recorded before `cutoff` and not yet redacted."""
    events = AuditEvent.objects.filter(
        occurred_at__lt=cutoff,
        redacted_at__isnull=True,
        hash_scheme=HashScheme.HMAC_SHA256_PAYLOAD_DIGEST,
    )
    if rule.code == "linkage_lookups":
        return events.filter(action__in=LOOKUP_ACTIONS)
    return events.filter(details__has_key="terms").exclude(action__in=LOOKUP_ACTIONS)


def candidates(rule: RetentionRule) -> list[Candidate]:
    if rule.code == "referral_not_accepted":
        return referral_candidates(rule)
    if rule.code == "closed_case":
        return case_candidates(rule, children=False)
    if rule.code == "case_about_child":
        return case_candidates(rule, children=True)
    return []


def is_audit_rule(rule: RetentionRule) -> bool:
    return rule.code in ("audit_search_terms", "linkage_lookups")


def summary(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item.record_type] = out.get(item.record_type, 0) + 1
    return out
