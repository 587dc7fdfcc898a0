"""What happened that someone must be told of: one finder per kind of `data/kinds.json`.

Each finder answers, for a fixed moment `now`, the events that happened after `since` and
still stand at `now` (a referral still awaiting triage, an action still open): the deadline
that passed or the alert that was raised, the record it belongs to, and the users it is for.
The deadlines are the apps' own rules, read from where the due-and-overdue view reads them
(triage: the referral's `triage_due_at`; actions: the end of the due date, as
`panels.clocks`; return interviews: `pathways.policy.rhi_hours` and the outcomes that close
the clock; marker reviews: `places.policy`'s review-due-soon days and 17:00 on the review
date, as `places.clocks`). Who may be told is asked of the door afterwards
(`nestguard.notifications.services`), never decided here.

The finders take `now` rather than reading the clock, so that a run is repeatable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model
from django.urls import reverse

from nestguard.access.rules import CASE_ROLES, TRIAGE_ROLES
from nestguard.accounts.models import Role, User
from nestguard.cases.models import Case, Intervention, InterventionStatus
from nestguard.childhood.selectors import transitions
from nestguard.core.calendar import UK
from nestguard.deconfliction.models import Notice, OperationStatus, PlannedOperation
from nestguard.panels.models import OPEN_ACTION_STATUSES, Action
from nestguard.panels.rules import ACTION_AGENCY_ROLES
from nestguard.pathways import policy as pathways_policy
from nestguard.pathways.models import MissingEpisode, OnwardReferral
from nestguard.places.models import (
    AlertStatus,
    DisplacementAlert,
    RepeatAddressAlert,
    WarningMarker,
)
from nestguard.places.policy import places_rules
from nestguard.referrals.models import Referral, ReferralStatus

OPEN_INTERVENTIONS = (InterventionStatus.PLANNED, InterventionStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Event:
    """One thing to tell. `door_model` and `door_pk` name the record whose visibility decides
    who may be told (an intervention and a displacement alert are read through their case)."""

    kind: str
    object_type: str
    object_id: str
    reference: str
    path: str
    at: datetime
    door_model: type[Model]
    door_pk: Any
    # The users it is for (ids), and whom to tell instead when none of them can be reached.
    to: frozenset[Any] = field(default_factory=frozenset)
    fallback: frozenset[Any] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[str, str, datetime]:
        return (self.kind, self.object_id, self.at)


Finder = Callable[[datetime, datetime], Iterable[Event]]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


class Staff:
    """Users by agency and role, read once per run: the teams an event is addressed to."""

    def __init__(self) -> None:
        self._by_agency: dict[Any, dict[str, set[Any]]] | None = None
        self._agency_types: dict[Any, str] = {}

    def _load(self) -> dict[Any, dict[str, set[Any]]]:
        if self._by_agency is None:
            found: dict[Any, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
            rows = User.objects.filter(
                is_active=True, agency__active=True, role_grants__isnull=False
            ).values_list("pk", "agency_id", "agency__type", "role_grants__role")
            for pk, agency_id, agency_type, role in rows:
                found[agency_id][role].add(pk)
                self._agency_types[agency_id] = agency_type
            self._by_agency = found
        return self._by_agency

    def of(self, agency_ids: Iterable[Any], roles: Iterable[str]) -> frozenset[Any]:
        by_agency = self._load()
        return frozenset(
            pk
            for agency_id in agency_ids
            for role in roles
            for pk in by_agency.get(agency_id, {}).get(role, ())
        )

    def of_types(self, agency_types: Iterable[str], roles: Iterable[str]) -> frozenset[Any]:
        self._load()
        wanted = set(agency_types)
        agencies = [a for a, t in self._agency_types.items() if t in wanted]
        return self.of(agencies, roles)


def triage_overdue(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A referral still awaiting triage past its triage clock: to the caseworkers and
    supervisors of each agency it was routed to (the triage queue's readers)."""
    waiting = Referral.objects.filter(
        status=ReferralStatus.SUBMITTED, triage_due_at__gt=since, triage_due_at__lte=now
    ).prefetch_related("triage_agencies")
    for referral in waiting:
        assert referral.triage_due_at is not None
        yield Event(
            kind="triage_overdue",
            object_type=_label(Referral),
            object_id=str(referral.pk),
            reference=referral.reference,
            path=reverse("referrals:detail", args=[referral.pk]),
            at=referral.triage_due_at,
            door_model=Referral,
            door_pk=referral.pk,
            to=staff.of([a.pk for a in referral.triage_agencies.all()], TRIAGE_ROLES),
        )


def _due_and_overdue(
    due_on: date, now: datetime, since: datetime
) -> Iterator[tuple[str, datetime]]:
    """A thing due on a date is "due" from the start of that UK day and "overdue" from the
    end of it (the due-and-overdue view's rule); once overdue, "due" is not sent any more."""
    due_at, overdue_at = _start_of(due_on), _start_of(due_on + timedelta(days=1))
    if since < overdue_at <= now:
        yield "overdue", overdue_at
    elif since < due_at <= now < overdue_at:
        yield "due", due_at


def _due_dates(now: datetime, since: datetime) -> tuple[date, date]:
    """The due dates whose "due" or "overdue" moment may fall in (since, now]."""
    return (since.astimezone(UK).date() - timedelta(days=1), now.astimezone(UK).date())


def actions_due(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """An open panel action on its due date and after it: to its owner, or, when it is
    addressed to an agency with no owner named, to that agency's chairs, caseworkers and
    supervisors (who see the agency's actions)."""
    first, last = _due_dates(now, since)
    actions = Action.objects.filter(
        status__in=OPEN_ACTION_STATUSES, due_on__gte=first, due_on__lte=last
    ).values_list("pk", "reference", "due_on", "owner_id", "owner_agency_id")
    for pk, reference, due_on, owner_id, agency_id in actions:
        for stage, at in _due_and_overdue(due_on, now, since):
            yield Event(
                kind=f"action_{stage}",
                object_type=_label(Action),
                object_id=str(pk),
                reference=reference,
                path=reverse("panels:action", args=[pk]),
                at=at,
                door_model=Action,
                door_pk=pk,
                to=frozenset([owner_id])
                if owner_id
                else staff.of([agency_id], ACTION_AGENCY_ROLES),
            )


def interventions_due(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """An open intervention on its due date and after it: to its owner, who must still see
    the case."""
    first, last = _due_dates(now, since)
    interventions = Intervention.objects.filter(
        status__in=OPEN_INTERVENTIONS, due_on__gte=first, due_on__lte=last
    ).values_list("pk", "case_id", "case__reference", "due_on", "owner_id")
    for pk, case_id, case_reference, due_on, owner_id in interventions:
        if due_on is None:  # the filter on due_on excludes these
            continue
        for stage, at in _due_and_overdue(due_on, now, since):
            yield Event(
                kind=f"intervention_{stage}",
                object_type=_label(Intervention),
                object_id=str(pk),
                reference=f"{case_reference}, intervention {pk}",
                path=reverse("cases:intervention_update", args=[case_id, pk]),
                at=at,
                door_model=Case,
                door_pk=case_id,
                to=frozenset([owner_id]),
            )


def return_interviews_overdue(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """An episode whose return home interview has not closed its clock (held, declined or
    decided against) within `rhi_hours` of the return: to whoever recorded the episode and
    the lead worker of its case (those the due view shows it to as their own), or, when
    neither can be told, the supervisors of the agency that recorded it."""
    hours = pathways_policy.rhi_hours()
    episodes = (
        # The open clocks, as the due view reads them (`missing_rhi_open_idx`, decision 0121).
        MissingEpisode.objects.filter(
            returned_at__isnull=False,
            rhi_clock_closed=False,
            returned_at__gt=since - timedelta(hours=hours),
            returned_at__lte=now - timedelta(hours=hours),
        ).values_list(
            "pk",
            "reference",
            "returned_at",
            "recorded_by_id",
            "case__lead_worker_id",
            "recording_agency_id",
        )
    )
    for pk, reference, returned_at, recorder, lead, agency_id in episodes:
        if returned_at is None:  # the filter on returned_at excludes these
            continue
        yield Event(
            kind="return_interview_overdue",
            object_type=_label(MissingEpisode),
            object_id=str(pk),
            reference=reference,
            path=reverse("pathways:missing_detail", args=[pk]),
            at=returned_at + timedelta(hours=hours),
            door_model=MissingEpisode,
            door_pk=pk,
            to=frozenset(u for u in (recorder, lead) if u),
            fallback=staff.of([agency_id], [Role.SUPERVISOR]),
        )


def onward_follow_ups_due(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """An onward referral's follow-up (a service's aftercare ending, decision 0108) on its due
    date and after it, until recorded: to whoever sent it and the lead worker of its case (the
    due view shows it to them as their own), or, when neither can be told, the supervisors of
    the agency that sent it."""
    first, last = _due_dates(now, since)
    referrals = OnwardReferral.objects.filter(
        followed_up_on__isnull=True, follow_up_due_on__gte=first, follow_up_due_on__lte=last
    ).values_list(
        "pk", "reference", "follow_up_due_on", "sent_by_id", "case__lead_worker_id",
        "sent_by_agency_id",
    )  # fmt: skip
    for pk, reference, due_on, sender, lead, agency_id in referrals:
        if due_on is None:  # the filter on follow_up_due_on excludes these
            continue
        for stage, at in _due_and_overdue(due_on, now, since):
            yield Event(
                kind=f"onward_follow_up_{stage}",
                object_type=_label(OnwardReferral),
                object_id=str(pk),
                reference=reference,
                path=reverse("pathways:onward_detail", args=[pk]),
                at=at,
                door_model=OnwardReferral,
                door_pk=pk,
                to=frozenset(u for u in (sender, lead) if u),
                fallback=staff.of([agency_id], [Role.SUPERVISOR]),
            )


def _alert_leads(staff: Staff) -> frozenset[Any]:
    """The police and ASB leads: caseworkers and supervisors of the agency types the
    repeat-address rule names (`places.services.repeats.can_work_repeat_alerts`)."""
    return staff.of_types(places_rules().repeat_address.queue_agency_types, CASE_ROLES)


def repeat_address_alerts(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A repeat-address alert raised and still open: to the police and ASB leads."""
    alerts = RepeatAddressAlert.objects.filter(
        status=AlertStatus.OPEN, raised_at__gt=since, raised_at__lte=now
    ).values_list("pk", "raised_at")
    leads = _alert_leads(staff)
    for pk, raised_at in alerts:
        yield Event(
            kind="repeat_address_alert",
            object_type=_label(RepeatAddressAlert),
            object_id=str(pk),
            reference=f"alert {pk}",
            path=reverse("places:repeat_alert", args=[pk]),
            at=raised_at,
            door_model=RepeatAddressAlert,
            door_pk=pk,
            to=leads,
        )


def displacement_alerts(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A displacement alert raised: to the police and ASB leads who may see its case (the
    alert is read on the case and its addresses, so the case's door decides)."""
    alerts = DisplacementAlert.objects.filter(raised_at__gt=since, raised_at__lte=now).values_list(
        "pk", "raised_at", "case_id", "case__reference"
    )
    leads = _alert_leads(staff)
    for pk, raised_at, case_id, case_reference in alerts:
        yield Event(
            kind="displacement_alert",
            object_type=_label(DisplacementAlert),
            object_id=str(pk),
            reference=f"{case_reference}, displacement alert {pk}",
            path=reverse("cases:detail", args=[case_id]),
            at=raised_at,
            door_model=Case,
            door_pk=case_id,
            to=leads,
        )


def warning_reviews(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A warning marker in force whose review is coming (from `review_due_soon_days` before
    the review date, as the due view shows it) or overdue (after 17:00 on the review date,
    the view's deadline): to the person who placed it, or, when they cannot be told, the
    supervisors of the agency that placed it."""
    soon = places_rules().warning_marker.review_due_soon_days
    today = now.astimezone(UK).date()
    first = since.astimezone(UK).date() - timedelta(days=1)
    markers = WarningMarker.objects.filter(
        withdrawn_at__isnull=True,
        expires_on__gte=today,
        review_on__gte=first,
        review_on__lte=today + timedelta(days=soon),
    ).values_list("pk", "review_on", "owner_id", "owner_agency_id")
    for pk, review_on, owner_id, agency_id in markers:
        due_at = _start_of(review_on - timedelta(days=soon))
        overdue_at = datetime.combine(review_on, time(17, 0), tzinfo=UK)
        if since < overdue_at <= now:
            stage, at = "overdue", overdue_at
        elif since < due_at <= now < overdue_at:
            stage, at = "due", due_at
        else:
            continue
        yield Event(
            kind=f"warning_review_{stage}",
            object_type=_label(WarningMarker),
            object_id=str(pk),
            reference=f"warning marker {pk}",
            path=reverse("places:warning_review", args=[pk]),
            at=at,
            door_model=WarningMarker,
            door_pk=pk,
            to=frozenset([owner_id]),
            fallback=staff.of([agency_id], [Role.SUPERVISOR]),
        )


def deconfliction_notices(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A partner told an agency of a planned visit, warrant or operation at an address where
    it has work (still planned, its window not yet open): to that agency's caseworkers and
    supervisors, who may answer until the window opens."""
    notices = Notice.objects.filter(
        told_at__gt=since,
        told_at__lte=now,
        operation__status=OperationStatus.PLANNED,
        operation__starts_at__gt=now,
    ).values_list("pk", "operation_id", "operation__reference", "agency_id", "told_at")
    for pk, operation_id, reference, agency_id, told_at in notices:
        yield Event(
            kind="deconfliction_notice",
            object_type=_label(Notice),  # one notice per agency told: its own key
            object_id=str(pk),
            reference=reference,
            path=reverse("deconfliction:detail", args=[operation_id]),
            at=told_at,
            door_model=PlannedOperation,
            door_pk=operation_id,
            to=staff.of([agency_id], CASE_ROLES),
        )


def transitions_due(now: datetime, since: datetime, staff: Staff) -> Iterator[Event]:
    """A child on a case not closed reached 17 years and 6 months (the start of that UK day)
    and no transition plan is recorded: to the caseworkers and supervisors of the adult
    services named on the case, or of its lead agency when none is named (decision 0110)."""
    # The alerts that opened since the last run (their UK day's start after `since`).
    today, since_day = now.astimezone(UK).date(), since.astimezone(UK).date()
    for due in transitions(Case.objects.all(), today, opened_from=since_day):
        at = _start_of(due.alert_on)
        if not since < at <= now:
            continue
        yield Event(
            kind="transition_due",
            object_type=_label(Case),
            # The case's reference and the person: within Notification.object_id's 64.
            object_id=f"{due.case.reference}:{due.person.pk}",
            reference=due.case.reference,
            path=reverse("childhood:transition", args=[due.case.pk, due.person.pk]),
            at=at,
            door_model=Case,
            door_pk=due.case.pk,
            to=staff.of(due.recipients, CASE_ROLES),
        )


FINDERS: tuple[Callable[[datetime, datetime, Staff], Iterable[Event]], ...] = (
    triage_overdue,
    actions_due,
    interventions_due,
    return_interviews_overdue,
    onward_follow_ups_due,
    repeat_address_alerts,
    displacement_alerts,
    warning_reviews,
    deconfliction_notices,
    transitions_due,
)


def events_between(since: datetime, now: datetime) -> list[Event]:
    """Every event of every kind that happened in (since, now] and still stands at `now`."""
    staff = Staff()
    return [event for finder in FINDERS for event in finder(now, since, staff)]
