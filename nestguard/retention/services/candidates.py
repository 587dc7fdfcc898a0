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
from nestguard.cases.models import Case, CaseStatus, CaseSubject
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject
from nestguard.retention import record_types as rt
from nestguard.retention.models import BatchStatus, DisposalItem, RetentionRule
from nestguard.retention.services.holds import CASE, REFERRAL, held_records

# The most records one nightly batch lists per rule; the rest wait for the next night, so a
# review stays readable and a carry-out stays a bounded transaction.
MAX_BATCH = 500
# Records read per query while listing (their subjects are read per chunk, not per record).
CHUNK = 200
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


def age_on(born: date | None, estimate: int | None, day: date) -> int | None:
    """A subject's age on `day`: from the date of birth, else the age estimate as recorded
    (as `Person.age_on` reads it)."""
    if born:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return estimate


def twenty_fifth_birthday(born: date | None, age_then: int | None, opened: date) -> date | None:
    """From the date of birth, or (only an age estimate) from the age when the case opened."""
    if born:
        return years_after(born, 25)
    if age_then is not None:
        return years_after(opened, max(0, 25 - age_then))
    return None


@dataclass
class _Subjects:
    """The subjects' dates of birth and age estimates of a chunk of records, in one query."""

    by_record: dict[str, list[tuple[date | None, int | None]]]

    @classmethod
    def of_cases(cls, ids: list[Any]) -> _Subjects:
        rows = CaseSubject.objects.filter(case_id__in=ids).values_list(
            "case_id", "person__date_of_birth", "person__age_estimate"
        )
        return cls._group(rows)

    @classmethod
    def of_referrals(cls, ids: list[Any]) -> _Subjects:
        rows = ReferralSubject.objects.filter(referral_id__in=ids, person__isnull=False)
        return cls._group(
            rows.values_list("referral_id", "person__date_of_birth", "person__age_estimate")
        )

    @staticmethod
    def _group(rows: Any) -> _Subjects:
        grouped: dict[str, list[tuple[date | None, int | None]]] = {}
        for key, born, estimate in rows:
            grouped.setdefault(str(key), []).append((born, estimate))
        return _Subjects(grouped)


def _chunks(rows: Any, size: int = CHUNK) -> Any:
    chunk: list[Any] = []
    for row in rows.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def referral_candidates(rule: RetentionRule) -> list[Candidate]:
    taken = _taken(REFERRAL)
    held = {key for kind, key in held_records() if kind == REFERRAL}
    rows = (
        Referral.objects.filter(status__in=NOT_ACCEPTED, decided_at__lte=cutoff_for(rule))
        .order_by("decided_at", "pk")
        .values_list("pk", "reference", "decided_at")
    )
    found: list[Candidate] = []
    for chunk in _chunks(rows):
        fresh = [r for r in chunk if str(r[0]) not in taken and str(r[0]) not in held]
        subjects = _Subjects.of_referrals([r[0] for r in fresh])
        for pk, reference, decided in fresh:
            day = timezone.localdate(decided)
            ages = [age_on(b, e, day) for b, e in subjects.by_record.get(str(pk), [])]
            child = any(a is not None and a < 18 for a in ages)
            found.append(Candidate(REFERRAL, str(pk), reference, child))
            if len(found) >= MAX_BATCH:
                return found
    return found


def case_candidates(rule: RetentionRule, *, children: bool) -> list[Candidate]:
    """Closed cases past the rule: about adults (`children=False`, from closure) or about a
    child (the later of the rule's period after closure and the youngest child subject's
    25th birthday). Read in chunks: closed cases, then their subjects' birthdays."""
    taken = _taken(CASE)
    held = {key for kind, key in held_records() if kind == CASE}
    today = timezone.localdate()
    rows = (
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lte=cutoff_for(rule))
        .order_by("closed_at", "pk")
        .values_list("pk", "reference", "opened_at")
    )
    found: list[Candidate] = []
    for chunk in _chunks(rows):
        fresh = [r for r in chunk if str(r[0]) not in taken and str(r[0]) not in held]
        subjects = _Subjects.of_cases([r[0] for r in fresh])
        for pk, reference, opened_at in fresh:
            opened = timezone.localdate(opened_at)
            kids = []
            for born, estimate in subjects.by_record.get(str(pk), []):
                age = age_on(born, estimate, opened)
                if age is not None and age < 18:
                    kids.append(twenty_fifth_birthday(born, age, opened))
            if bool(kids) != children:
                continue
            if any(b is None or b > today for b in kids):
                continue
            found.append(Candidate(CASE, str(pk), reference, bool(kids)))
            if len(found) >= MAX_BATCH:
                return found
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
    if rule.code == "audit_events":
        # Every event past the whole trail's period: its payload goes, the chain stays.
        return events
    return events.filter(details__has_key="terms").exclude(action__in=LOOKUP_ACTIONS)


def candidates(rule: RetentionRule) -> list[Candidate]:
    if rule.code == "referral_not_accepted":
        return referral_candidates(rule)
    if rule.code == "closed_case":
        return case_candidates(rule, children=False)
    if rule.code == "case_about_child":
        return case_candidates(rule, children=True)
    kind = rt.for_rule(rule.code)
    if kind is not None:
        return registered_candidates(rule, kind)
    return []


AUDIT_RULES = ("audit_search_terms", "linkage_lookups", "audit_events")


def is_audit_rule(rule: RetentionRule) -> bool:
    return rule.code in AUDIT_RULES


def registered_candidates(rule: RetentionRule, kind: rt.RecordType) -> list[Candidate]:
    """A registered record type's records past the rule (and, `until_25`, past the subject's
    25th birthday too), not held, listed, retained or disposed of."""
    taken = _taken(kind.key)
    held = {key for k, key in held_records() if k == kind.key}
    today = timezone.localdate()
    manager = kind.model._default_manager
    rows = manager.filter(kind.eligible).filter(kind.past(cutoff_for(rule)))
    children = set()
    if kind.child is not None:
        children = {str(k) for k in rows.filter(kind.child).values_list("pk", flat=True)}
    fields = ["pk", kind.reference]
    if kind.until_25:
        fields += [f"{kind.person}__date_of_birth", f"{kind.person}__age_estimate", "created_at"]
    found: list[Candidate] = []
    for chunk in _chunks(rows.order_by("pk").values_list(*fields)):
        for row in chunk:
            key = str(row[0])
            if key in taken or key in held:
                continue
            if kind.until_25:
                born, estimate, made = row[2], row[3], timezone.localdate(row[4])
                birthday = twenty_fifth_birthday(born, age_on(born, estimate, made), made)
                if birthday is None or birthday > today:
                    continue
            found.append(Candidate(kind.key, key, str(row[1])[:40], key in children))
            if len(found) >= MAX_BATCH:
                return found
    return found
