"""The weekly prevention list: the rules (prevention/data/rules.json) applied to each housing
agency's own signals, address by address, for one week.

Idempotent: building a week again creates no second entry for an address. An entry someone
has acted on is kept as it was (its reasons are what the caseworker saw); an entry nobody has
touched follows the signals and rules as they are now, and goes if it no longer qualifies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.prevention.models import HousingSignal, PreventionAction, PreventionEntry
from nestguard.prevention.policy import (
    Rules,
    Score,
    SignalFact,
    prevention_rules,
    score,
    week_start_of,
)


@dataclass
class BuildResult:
    week_start: date
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # acted on: left as the caseworker saw it
    removed: int = 0

    @property
    def entries(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept

    def __str__(self) -> str:
        return (
            f"Prevention list for the week of {self.week_start:%d %B %Y}: {self.entries} "
            f"entries ({self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.kept} acted on and kept, {self.removed} removed)"
        )


def week_scores(week_start: date, rules: Rules) -> dict[tuple[Any, Any], Score]:
    """(agency id, address id) → score, for the addresses that reach the threshold. Each
    agency's signals are scored alone: the rules never combine two agencies' signals."""
    longest = max(r.window_days for r in rules.rules.values())
    rows = HousingSignal.objects.filter(
        signal__in=list(rules.rules),
        observed_on__gte=week_start - timedelta(days=longest),
        observed_on__lt=week_start,
    ).values_list("agency_id", "address_id", "signal", "observed_on", "amount")
    facts: dict[tuple[Any, Any], list[SignalFact]] = defaultdict(list)
    for agency_id, address_id, code, observed_on, amount in rows.iterator(chunk_size=2000):
        facts[(agency_id, address_id)].append(SignalFact(code, observed_on, amount))
    scores = {key: score(found, week_start, rules) for key, found in facts.items()}
    return {key: s for key, s in scores.items() if s.qualifies(rules)}


def prevention_list_build(*, actor: Any, week_start: date | None = None) -> BuildResult:
    """Build (or rebuild) the list of the week starting on Monday `week_start` (default:
    this week), from the signals observed before that Monday."""
    week_start = week_start_of(week_start or timezone.localdate())
    rules = prevention_rules()
    result = BuildResult(week_start=week_start)
    with transaction.atomic():
        qualifying = week_scores(week_start, rules)
        existing = {
            (e.agency_id, e.address_id): e
            for e in PreventionEntry.objects.filter(week_start=week_start).annotate(
                acted=Exists(PreventionAction.objects.filter(entry=OuterRef("pk")))
            )
        }
        new: list[PreventionEntry] = []
        changed: list[PreventionEntry] = []
        gone: list[Any] = []
        for key, current in existing.items():
            if current.acted:
                result.kept += 1
            elif key not in qualifying:
                gone.append(current.pk)
        for key, found in qualifying.items():
            contributions = [c.as_dict() for c in found.contributions]
            entry = existing.get(key)
            if entry is None:
                agency_id, address_id = key
                new.append(
                    PreventionEntry(
                        agency_id=agency_id,
                        address_id=address_id,
                        week_start=week_start,
                        score=found.total,
                        contributions=contributions,
                        rules_version=rules.version,
                    )
                )
            elif entry.acted:
                continue
            elif (entry.score, entry.contributions, entry.rules_version) == (
                found.total,
                contributions,
                rules.version,
            ):
                result.unchanged += 1
            else:
                entry.score, entry.contributions = found.total, contributions
                entry.rules_version = rules.version
                changed.append(entry)
        PreventionEntry.objects.bulk_create(new, batch_size=1000)
        PreventionEntry.objects.bulk_update(
            changed, ["score", "contributions", "rules_version"], batch_size=1000
        )
        PreventionEntry.objects.filter(pk__in=gone).delete()
        result.created, result.updated, result.removed = len(new), len(changed), len(gone)
        audit_record(
            actor=actor,
            action="prevention.build",
            object_type="prevention_list",
            object_label=f"Week of {week_start:%d %B %Y}",
            details={
                "week_start": week_start.isoformat(),
                "rules_version": rules.version,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "kept": result.kept,
                "removed": result.removed,
            },
        )
    return result


def prevention_purge(*, actor: Any, today: date | None = None) -> tuple[int, int]:
    """Delete signals observed, and entries (with their actions) for weeks, before the
    retention period: nothing stays against a tenancy longer than the rules say."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=prevention_rules().retention_days)
    with transaction.atomic():
        signals, _ = HousingSignal.objects.filter(observed_on__lt=cutoff).delete()
        entries = PreventionEntry.objects.filter(week_start__lt=cutoff)
        entry_count = entries.count()
        entries.delete()
        if signals or entry_count:
            audit_record(
                actor=actor,
                action="prevention.purge",
                object_type="prevention_list",
                object_label=f"Before {cutoff:%d %B %Y}",
                details={"before": cutoff.isoformat(), "signals": signals, "entries": entry_count},
            )
    return signals, entry_count
