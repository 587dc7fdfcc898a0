"""The timeline of the demo's history: when each referral came in, what triage decided and,
for cases, when they opened and closed and how they ended. Plans are small objects; the
rows themselves are built from them chunk by chunk (see history.py)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from nestguard.core.calendar import UK, add_working_days, is_working_day

# Working days from submission to the triage decision, and how often each happens: most
# within the five-day clock, a few late.
TRIAGE_DAYS = (0, 1, 2, 3, 4, 5, 6, 7)
TRIAGE_WEIGHTS = (10, 25, 20, 15, 10, 10, 6, 4)


@dataclass(slots=True)
class ReferralPlan:
    kind: str  # accepted | merged | declined | redirected | submitted
    submitted_at: datetime
    decided_at: datetime | None
    source: str
    concerns: list[str]
    child: bool
    number: int = 0


@dataclass(slots=True)
class CasePlan:
    status: str
    opened_at: datetime
    closed_at: datetime | None
    child: bool
    concerns: list[str]
    resolution: str
    outcomes: list[str]
    origin: ReferralPlan
    merged: list[ReferralPlan] = field(default_factory=list)
    number: int = 0


def weighted(rng: random.Random, weights: dict[str, Any]) -> str:
    return rng.choices(list(weights), weights=[float(w) for w in weights.values()])[0]


class Timeline:
    """Moments in the three years before `now`, busier as awareness grew."""

    def __init__(self, rng: random.Random, now: datetime, years: int) -> None:
        self.rng = rng
        self.now = now
        self.start = now - timedelta(days=365 * years)

    def rising(self, start: datetime | None = None, end: datetime | None = None) -> datetime:
        """A moment with density rising linearly (0.6 to 1.4) from start to end."""
        start = start or self.start
        end = end or self.now
        u = self.rng.random()
        x = (-0.6 + math.sqrt(0.36 + 1.6 * u)) / 0.8
        return self.office_hours(start + (end - start) * x)

    def office_hours(self, moment: datetime) -> datetime:
        """The same day (or the next working day, mostly) at a time in working hours."""
        day = moment.astimezone(UK).date()
        if not is_working_day(day) and self.rng.random() < 0.8:
            day = add_working_days(day, 1)
        return self.at(day, self.rng.randint(8 * 60, 18 * 60))

    def at(self, day: date, minutes: int) -> datetime:
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UK)

    def decision(self, submitted: datetime, latest: datetime | None = None) -> datetime:
        """When triage decided: a few working days after submission, never after `latest`."""
        latest = latest or self.now
        days = self.rng.choices(TRIAGE_DAYS, weights=TRIAGE_WEIGHTS)[0]
        if days == 0:
            decided = submitted + timedelta(minutes=self.rng.randint(30, 300))
        else:
            day = add_working_days(submitted.astimezone(UK).date(), days)
            decided = self.at(day, self.rng.randint(9 * 60, 17 * 60 + 30))
        if decided > latest:
            decided = submitted + (latest - submitted) * self.rng.uniform(0.2, 0.9)
        return decided


def _concerns(rng: random.Random, profile: dict[str, Any]) -> tuple[list[str], bool]:
    primary = weighted(rng, profile["concern_primary"])
    concerns = [primary]
    for extra, share in profile["concern_secondary"].get(primary, {}).items():
        if rng.random() < share:
            concerns.append(extra)
    child = primary in profile["child_concerns"]
    if primary == "county_lines" and rng.random() < 0.2:
        child = False  # adults run lines too
    return concerns, child


def _source(rng: random.Random, profile: dict[str, Any], child: bool) -> str:
    return weighted(rng, profile["referral_sources_child" if child else "referral_sources_adult"])


def _closure(rng: random.Random, profile: dict[str, Any]) -> tuple[str, list[str]]:
    resolution = weighted(rng, profile["resolutions"])
    if resolution == "positively_resolved":
        outcomes = [weighted(rng, profile["positive_outcomes"])]
        if rng.random() < profile["second_outcome_share"]:
            second = weighted(rng, profile["positive_outcomes"])
            if second not in outcomes:
                outcomes.append(second)
    else:
        outcomes = [weighted(rng, profile["other_outcomes"][resolution])]
    return resolution, outcomes


def plan_cases(
    rng: random.Random, timeline: Timeline, profile: dict[str, Any], count: int
) -> list[CasePlan]:
    """`count` cases in the order they opened, each with the referral that opened it and any
    later referral merged into it."""
    plans: list[CasePlan] = []
    now = timeline.now
    merged_share = float(profile["referrals_per_case"]["merged"])
    for _ in range(count):
        concerns, child = _concerns(rng, profile)
        source = _source(rng, profile, child)
        if rng.random() < profile["open_share"]:
            days_ago = 3 + 270 * rng.random() ** 1.6
            submitted = timeline.office_hours(now - timedelta(days=days_ago))
            submitted = min(submitted, now - timedelta(hours=2))
            opened = timeline.decision(submitted)
            long_enough = now - opened > timedelta(days=30)
            monitoring = long_enough and rng.random() < profile["monitoring_share_of_open"]
            status = "monitoring" if monitoring else "open"
            closed: datetime | None = None
            resolution = ""
            outcomes: list[str] = []
        else:
            submitted = timeline.rising(end=now - timedelta(days=28))
            opened = timeline.decision(submitted)
            weeks = max(2.0, rng.lognormvariate(math.log(9), 0.55))
            closed_moment = min(opened + timedelta(weeks=weeks), now - timedelta(days=1))
            closed = timeline.office_hours(closed_moment)
            if closed <= opened or closed >= now:
                closed = opened + (now - opened) * rng.uniform(0.3, 0.9)
            status = "closed"
            resolution, outcomes = _closure(rng, profile)
        origin = ReferralPlan("accepted", submitted, opened, source, concerns, child)
        plan = CasePlan(status, opened, closed, child, concerns, resolution, outcomes, origin)
        if rng.random() < merged_share:
            until = closed or now
            if until - opened > timedelta(days=10):
                merged_at = opened + (until - opened) * rng.uniform(0.1, 0.8)
                merged_at = min(timeline.office_hours(merged_at), until - timedelta(days=2))
                if merged_at > opened:
                    decided = timeline.decision(merged_at, latest=until - timedelta(hours=1))
                    plan.merged.append(
                        ReferralPlan(
                            "merged",
                            merged_at,
                            decided,
                            _source(rng, profile, child),
                            list(concerns),
                            child,
                        )
                    )
        plans.append(plan)
    plans.sort(key=lambda p: p.opened_at)
    return plans


def plan_other_referrals(
    rng: random.Random, timeline: Timeline, profile: dict[str, Any], cases: int
) -> list[ReferralPlan]:
    """Referrals that did not open a case: declined, redirected, and those awaiting triage."""
    shares = profile["referrals_per_case"]
    plans: list[ReferralPlan] = []
    now = timeline.now
    for kind in ("declined", "redirected"):
        for _ in range(round(cases * float(shares[kind]))):
            concerns, child = _concerns(rng, profile)
            submitted = timeline.rising(end=now - timedelta(days=10))
            decided = timeline.decision(submitted)
            plans.append(
                ReferralPlan(
                    kind, submitted, decided, _source(rng, profile, child), concerns, child
                )
            )
    today = now.astimezone(UK).date()
    waiting = max(3, round(cases * float(shares["awaiting_triage"])))
    for _ in range(waiting):
        concerns, child = _concerns(rng, profile)
        back = rng.randint(0, 11)
        day = today
        while back:
            day -= timedelta(days=1)
            if is_working_day(day):
                back -= 1
        submitted = timeline.at(day, rng.randint(8 * 60, 18 * 60))
        if submitted >= now:
            submitted = now - timedelta(minutes=rng.randint(5, 240))
        plans.append(
            ReferralPlan(
                "submitted", submitted, None, _source(rng, profile, child), concerns, child
            )
        )
    return plans


def number_referrals(cases: list[CasePlan], others: list[ReferralPlan], first: int) -> int:
    """Give every referral its number in order of submission; returns how many."""
    everything = [p.origin for p in cases] + [m for p in cases for m in p.merged] + others
    everything.sort(key=lambda r: r.submitted_at)
    for offset, plan in enumerate(everything):
        plan.number = first + offset
    return len(everything)
