"""Clock sources for the "due and overdue" view (nestguard.core.clocks).

Registered here: referrals awaiting triage and case risk reviews (for the cases and referrals
apps, which keep their deadlines but register no source), return home interviews, and the NRM's
reasonable grounds decision and recovery period, and onward referrals' follow-ups (a service's
aftercare). Each reads through the access selectors; the
view shows references, not names, so it reads no personal data.

`team=False` is what the user themselves must do (cases they lead or are named on, episodes
and referrals they recorded); `team=True` is what their team must do, among what they may see:
the members of the teams they belong to (`accounts.Team`), or their whole agency when they
belong to none. Triage is a team queue, so both show the same referrals. How far ahead the
view looks and how many items a source shows are data (`data/clock_rules.json`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from nestguard.access.selectors import can_work_cases
from nestguard.accounts.models import User
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import CaseStatus, CaseTeamUser
from nestguard.core.calendar import UK
from nestguard.core.clocks import DueItem, register_clock_source
from nestguard.core.codes import code_list
from nestguard.core.links import reverser
from nestguard.pathways import policy
from nestguard.pathways.access_policy import (
    visible_missing_episodes,
    visible_nrm_referrals,
    visible_onward_referrals,
)
from nestguard.pathways.models import MissingEpisode
from nestguard.referrals.access_policy import triage_referrals
from nestguard.referrals.models import ReferralStatus


def horizon() -> datetime:
    return timezone.now() + timedelta(days=int(policy.rule_value("clock_rules", "horizon_days")))


def limit() -> int:
    return int(policy.rule_value("clock_rules", "max_items_per_source"))


def end_of_day(day: date) -> datetime:
    """A date deadline falls due at the close of that UK day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK)


def colleagues(user: Any) -> Q | None:
    """The user's team as a condition on users, or None for "the whole agency". Worked out
    once per request: every source of the view asks."""
    cached = getattr(user, "_ng_team_members", None)
    if cached is None:
        cached = list(
            User.objects.filter(teams__members=user, teams__agency_id=user.agency_id)
            .values_list("pk", flat=True)
            .distinct()
        )
        user._ng_team_members = cached
    return Q(pk__in=cached) if cached else None


def _by(field: str, people: Q) -> Q:
    """`people` (a condition on users) applied through a user field of another model."""
    return Q(**{f"{field}__in": User.objects.filter(people).values("pk")})


def _triage(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    days = code_list("referrals", "triage_rules").get("review_working_days")["value"]
    waiting = (
        triage_referrals(user)
        .filter(status=ReferralStatus.SUBMITTED, triage_due_at__lte=horizon())
        .order_by("triage_due_at")
        .values_list("pk", "reference", "triage_due_at")[: limit()]
    )
    link = reverser("referrals:detail")
    for pk, reference, due in waiting:
        if due is None:
            continue
        yield DueItem(
            source="triage",
            title=f"Triage referral {reference}",
            due_at=due,
            url=link(pk),
            owner_label="Triage team",
            rule=f"{days} working days from submission",
        )


def _risk_reviews(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    cases = visible_cases(user).filter(
        status__in=[CaseStatus.OPEN, CaseStatus.MONITORING],
        next_review_on__isnull=False,
        next_review_on__lte=horizon().astimezone(UK).date(),
    )
    if team:
        people = colleagues(user)
        if people is None:
            cases = cases.filter(lead_agency_id=user.agency_id)
        else:
            cases = cases.filter(_by("lead_worker", people))
    else:
        on_team = Exists(CaseTeamUser.objects.filter(case=OuterRef("pk"), user=user))
        cases = cases.filter(Q(lead_worker=user) | Q(on_team))
    rows = cases.order_by("next_review_on").values_list(
        "pk", "reference", "next_review_on", "lead_worker__username"
    )[: limit()]
    link = reverser("cases:detail")
    for pk, reference, review_on, lead in rows:
        if review_on is None:
            continue
        yield DueItem(
            source="risk_review",
            title=f"Risk review of case {reference}",
            due_at=end_of_day(review_on),
            url=link(pk),
            owner_label=lead or "No lead worker",
            rule="The review date set by the last risk assessment",
        )


def _return_interviews(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    hours = policy.rhi_hours()
    if not can_work_cases(user):
        return
    # The open clocks first, without the door's test of each row; then, a chunk at a time in
    # the same order, those of them the user may see (decision 0095). The open clocks are read
    # through `missing_rhi_open_idx`, which holds them alone (the episode says whether its
    # clock is closed, decision 0121): the walk is over the interviews still to be done, not
    # over every returned episode of the borough's history.
    episodes = MissingEpisode.objects.filter(
        returned_at__isnull=False,
        rhi_clock_closed=False,
        returned_at__lte=horizon() - timedelta(hours=hours),
    )
    if team:
        people = colleagues(user)
        if people is None:
            episodes = episodes.filter(
                Q(recording_agency_id=user.agency_id) | Q(case__lead_agency_id=user.agency_id)
            )
        else:
            episodes = episodes.filter(
                _by("recorded_by", people) | _by("case__lead_worker", people)
            )
    else:
        episodes = episodes.filter(Q(recorded_by=user) | Q(case__lead_worker=user))
    candidates = episodes.order_by("returned_at", "pk").values_list("pk", flat=True)
    link = reverser("pathways:missing_detail")
    for pk, reference, returned, recorder in _visible_in_order(user, candidates, limit()):
        yield DueItem(
            source="return_interview",
            title=f"Return home interview after episode {reference}",
            due_at=returned + timedelta(hours=hours),
            url=link(pk),
            owner_label=recorder,
            rule=f"Within {hours} hours of return",
        )


def _visible_in_order(user: Any, candidates: Any, wanted: int) -> Iterator[tuple[Any, ...]]:
    """The first `wanted` of `candidates` (episode keys, in order) that the user may see,
    read through the door a chunk at a time, each with its reference, return and recorder."""
    found = 0
    chunk_size = max(wanted, 50)
    start = 0
    while found < wanted:
        chunk = list(candidates[start : start + chunk_size])
        if not chunk:
            return
        start += chunk_size
        rows = visible_missing_episodes(user).filter(pk__in=chunk)
        seen = {
            row[0]: row
            for row in rows.values_list("pk", "reference", "returned_at", "recorded_by__username")
        }
        for pk in chunk:
            if pk in seen and found < wanted:
                found += 1
                yield seen[pk]


def _still_missing(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    """Open episodes: not a deadline but the most urgent thing there is, so they sort first
    (due when they went missing)."""
    grades = policy.codes("missing_risk_grades")
    episodes = visible_missing_episodes(user).filter(returned_at__isnull=True)
    if team:
        people = colleagues(user)
        if people is None:
            episodes = episodes.filter(
                Q(recording_agency_id=user.agency_id) | Q(case__lead_agency_id=user.agency_id)
            )
        else:
            episodes = episodes.filter(
                _by("recorded_by", people) | _by("case__lead_worker", people)
            )
    else:
        episodes = episodes.filter(Q(recorded_by=user) | Q(case__lead_worker=user))
    rows = episodes.order_by("started_at").values_list(
        "pk", "reference", "started_at", "risk_grade", "recorded_by__username"
    )[: limit()]
    link = reverser("pathways:missing_detail")
    for pk, reference, started, grade, recorder in rows:
        yield DueItem(
            source="still_missing",
            title=f"Still missing: episode {reference} ({grades.label(grade).lower()})",
            due_at=started,
            url=link(pk),
            owner_label=recorder,
            rule="Record the return and the safe and well check when they are found",
        )


def _nrm_mine_or_team(user: Any, team: bool) -> Any:
    referrals = visible_nrm_referrals(user)
    if team:
        people = colleagues(user)
        if people is None:
            return referrals.filter(referring_agency_id=user.agency_id)
        return referrals.filter(_by("referred_by", people))
    return referrals.filter(referred_by=user)


def _nrm_reasonable_grounds(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    days = int(policy.rule_value("nrm_rules", "rg_working_days"))
    waiting = _nrm_mine_or_team(user, team).filter(
        Q(stage="referred") | Q(stage="reconsideration_requested", reconsidering="rg"),
        rg_due_on__lte=horizon().astimezone(UK).date(),
    )
    rows = waiting.order_by("rg_due_on").values_list(
        "pk", "reference", "rg_due_on", "referred_by__username"
    )[: limit()]
    link = reverser("pathways:nrm_detail")
    for pk, reference, due_on, referrer in rows:
        yield DueItem(
            source="nrm_reasonable_grounds",
            title=f"Reasonable grounds decision on {reference} (chase the decision maker)",
            due_at=end_of_day(due_on),
            url=link(pk),
            owner_label=referrer,
            rule=f"Target {days} working days from referral",
        )


def _nrm_recovery(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    days = int(policy.rule_value("nrm_rules", "recovery_min_days"))
    ending = _nrm_mine_or_team(user, team).filter(
        stage="recovery_period", recovery_ends_on__lte=horizon().astimezone(UK).date()
    )
    rows = ending.order_by("recovery_ends_on").values_list(
        "pk", "reference", "recovery_ends_on", "referred_by__username"
    )[: limit()]
    link = reverser("pathways:nrm_detail")
    for pk, reference, ends_on, referrer in rows:
        yield DueItem(
            source="nrm_recovery_period",
            title=f"Recovery period of {reference} ends: plan support after it",
            due_at=end_of_day(ends_on),
            url=link(pk),
            owner_label=referrer,
            rule=f"At least {days} days after a positive reasonable grounds decision",
        )


def _onward_follow_ups(user: Any, *, team: bool = False) -> Iterator[DueItem]:
    """An onward referral's follow-up (a service's aftercare ending, decision 0108): due on the
    date set when the service accepted or completed it, until the follow-up is recorded. For
    whoever sent it and the case's lead worker, or their team."""
    referrals = visible_onward_referrals(user).filter(
        follow_up_due_on__isnull=False,
        followed_up_on__isnull=True,
        follow_up_due_on__lte=horizon().astimezone(UK).date(),
    )
    if team:
        people = colleagues(user)
        if people is None:
            referrals = referrals.filter(
                Q(sent_by_agency_id=user.agency_id) | Q(case__lead_agency_id=user.agency_id)
            )
        else:
            referrals = referrals.filter(_by("sent_by", people) | _by("case__lead_worker", people))
    else:
        referrals = referrals.filter(Q(sent_by=user) | Q(case__lead_worker=user))
    rows = referrals.order_by("follow_up_due_on", "reference").values_list(
        "pk", "reference", "follow_up_due_on", "follow_up_label", "sent_by__username"
    )[: limit()]
    link = reverser("pathways:onward_detail")
    for pk, reference, due_on, label, sender in rows:
        if due_on is None:  # the filter on follow_up_due_on excludes these
            continue
        yield DueItem(
            source="onward_follow_up",
            title=f"Follow up onward referral {reference}: {label or 'follow-up due'}",
            due_at=end_of_day(due_on),
            url=link(pk),
            owner_label=sender,
            rule="The service's follow-up clock in the services directory",
        )


register_clock_source("triage", "Referrals awaiting triage", _triage)
register_clock_source("risk_review", "Case risk reviews", _risk_reviews)
register_clock_source("return_interview", "Return home interviews", _return_interviews)
register_clock_source("still_missing", "People still missing", _still_missing)
register_clock_source(
    "nrm_reasonable_grounds", "NRM reasonable grounds decisions", _nrm_reasonable_grounds
)
register_clock_source("nrm_recovery_period", "NRM recovery periods ending", _nrm_recovery)
register_clock_source("onward_follow_up", "Onward referral follow-ups", _onward_follow_ups)
