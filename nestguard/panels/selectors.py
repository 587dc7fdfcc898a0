"""Reads for the panel pages and API. Every query starts from what the user may see
(`panels.rules` says who; these functions say it in queries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency, Role, User
from nestguard.cases.models import Case, CaseSubject, CaseTeamAgency
from nestguard.core.agenda import AgendaScope
from nestguard.panels import rules
from nestguard.panels.access_policy import visible_actions, visible_panels
from nestguard.panels.loader import panel_rules
from nestguard.panels.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionCarry,
    AgendaItem,
    Attendance,
    Meeting,
    Panel,
    PanelMember,
)


def member_agencies(panel_id: Any) -> list[Agency]:
    """The panel's member agencies that are active: an inactive agency is at no table."""
    return list(
        Agency.objects.filter(
            active=True, pk__in=PanelMember.objects.filter(panel_id=panel_id).values("agency_id")
        )
    )


def covered_agency_ids(members: list[Agency], on: date | None = None) -> set[Any]:
    """Agencies whose records every member agency may receive: for each member, itself or an
    agency sharing an active agreement with it (the intersection over the members)."""
    covered: set[Any] | None = None
    for agency in members:
        reach = {agency.pk, *partner_agency_ids(agency, on)}
        covered = reach if covered is None else covered & reach
    return covered or set()


def agenda_scope(panel_id: Any, on: date | None = None) -> AgendaScope:
    """What a panel's agenda may draw on (docs/decisions/0073-panels-see-what-members-may-
    see.md): a case when its lead agency is a member, or a member agency is on its team, AND
    every member agency may receive the lead agency's records (is it, or shares an active
    sharing agreement with it); a person when they are a subject of such a case. So nothing
    reaches the table that one of the agencies at it could not be given under an agreement,
    and a panel whose members hold no agreement with anyone draws on no other agency's case.
    Agreements count as active today: ending one drops its cases from the next build."""
    members = member_agencies(panel_id)
    member_ids = {agency.pk for agency in members}
    covered = covered_agency_ids(members, on)
    member_on_team = Exists(
        CaseTeamAgency.objects.filter(case=OuterRef("pk"), agency_id__in=member_ids)
    )
    cases = Case.objects.filter(lead_agency_id__in=covered).filter(
        Q(lead_agency_id__in=member_ids) | Q(member_on_team)
    )
    people = CaseSubject.objects.filter(case__in=cases.values("pk")).values("person_id")
    return AgendaScope(case_ids=cases.values("pk"), person_ids=people)


def panel_list(user: Any) -> QuerySet[Panel]:
    today = timezone.localdate()
    next_meeting = Meeting.objects.filter(panel=OuterRef("pk"), meets_on__gte=today).order_by(
        "meets_on"
    )
    return (
        visible_panels(user)
        .annotate(
            member_count=Count("members", distinct=True),
            next_meets_on=next_meeting.values("meets_on")[:1],
        )
        .prefetch_related("chairs")
        .order_by("name")
    )


def members_prefetch() -> Prefetch:
    """A panel's members with their agencies and contacts, for a list of panels."""
    return Prefetch(
        "members",
        queryset=PanelMember.objects.select_related("agency", "contact").order_by("agency__name"),
    )


def action_reloaded(action: Action) -> Action:
    """An action already loaded through the door, read again after a change."""
    return Action.objects.select_related("meeting", "owner", "owner_agency").get(pk=action.pk)


def panel_members(panel: Panel) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(panel=panel)
        .select_related("agency", "contact")
        .order_by("agency__name")
    )


def panel_meetings(panel: Panel) -> list[Meeting]:
    return list(
        Meeting.objects.filter(panel=panel)
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-meets_on")
    )


@dataclass
class ActionRow:
    """An action in a table, with its links worked out by the view (one `reverse` a table)."""

    action: Action
    url: str
    update_url: str = ""  # for those who may update it


@dataclass
class ItemRow:
    item: AgendaItem
    actions: list[Action]
    number: int
    # Set by the view: links for those who may follow them, labels.
    case_url: str = ""
    person_url: str = ""
    risk_before_label: str = ""
    risk_after_label: str = ""
    action_rows: list[ActionRow] = field(default_factory=list)
    minutes_url: str = ""
    action_add_url: str = ""
    move_url: str = ""


@dataclass
class CarriedRow:
    carry: ActionCarry
    times_carried: int
    escalate: bool


@dataclass
class CrossPanelFlag:
    person_name: str
    person_id: Any
    others: list[str] = field(default_factory=list)


@dataclass
class MeetingDetail:
    meeting: Meeting
    items: list[ItemRow]
    attendance: list[Attendance]
    carried: list[CarriedRow]
    loose_actions: list[Action]  # recorded for the meeting as a whole
    previous: Meeting | None


def meeting_detail(meeting: Meeting) -> MeetingDetail:
    """Everything the meeting page shows, in a fixed number of queries."""
    actions = list(
        Action.objects.filter(meeting=meeting)
        .select_related("owner", "owner_agency")
        .order_by("due_on", "reference")
    )
    by_item: dict[Any, list[Action]] = {}
    for action in actions:
        by_item.setdefault(action.item_id, []).append(action)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "person", "address", "added_by")
        .order_by("position", "created_at")
    )
    carried = list(
        ActionCarry.objects.filter(meeting=meeting)
        .select_related("action", "action__owner", "action__owner_agency", "action__meeting")
        # How often it had been carried by this meeting (not counting later meetings).
        .annotate(
            times=Count(
                "action__carries",
                filter=Q(action__carries__meeting__meets_on__lte=meeting.meets_on),
            )
        )
        .order_by("action__due_on", "action__reference")
    )
    limit = panel_rules().escalate_after_carries
    previous = (
        Meeting.objects.filter(panel=meeting.panel, meets_on__lt=meeting.meets_on)
        .order_by("-meets_on")
        .first()
    )
    return MeetingDetail(
        meeting=meeting,
        items=[
            ItemRow(item=item, actions=by_item.get(item.pk, []), number=index)
            for index, item in enumerate(items, start=1)
        ],
        attendance=list(
            Attendance.objects.filter(meeting=meeting)
            .select_related("user", "agency")
            .order_by("agency__name", "user__last_name", "user__first_name")
        ),
        carried=[
            CarriedRow(carry=c, times_carried=c.times, escalate=c.times > limit)  # type: ignore[attr-defined]
            for c in carried
        ],
        loose_actions=by_item.get(None, []),
        previous=previous,
    )


def _people_of_items(
    items: Iterable[tuple[Any, Any, Any]], among: Any = None
) -> dict[Any, set[Any]]:
    """person id -> the agenda item ids naming them, directly or as a subject of the case
    (`among`: only these people), from the items' (key, person, case): one read, of the
    cases' subjects."""
    people: dict[Any, set[Any]] = {}
    case_items: dict[Any, set[Any]] = {}
    for item_id, person_id, case_id in items:
        if person_id is not None and (among is None or person_id in among):
            people.setdefault(person_id, set()).add(item_id)
        if case_id is not None:
            case_items.setdefault(case_id, set()).add(item_id)
    via_case = CaseSubject.objects.filter(case_id__in=list(case_items))
    if among is not None:
        via_case = via_case.filter(person_id__in=list(among))
    for case_id, person_id in via_case.values_list("case_id", "person_id"):
        people.setdefault(person_id, set()).update(case_items[case_id])
    return people


def cross_panel_flags(meeting: Meeting, today: date | None = None) -> list[CrossPanelFlag]:
    """People on this meeting's list who are also on the list of another panel's meeting in
    the look-back window (either side of this meeting): shown to the chair."""
    window = timedelta(days=panel_rules().cross_panel_lookback_days)
    here = _people_of_items(
        AgendaItem.objects.filter(meeting=meeting).values_list("pk", "person_id", "case_id")
    )
    if not here:
        return []
    others = AgendaItem.objects.filter(
        meeting__meets_on__gte=meeting.meets_on - window,
        meeting__meets_on__lte=meeting.meets_on + window,
    ).exclude(meeting__panel=meeting.panel)
    # The other meetings' items naming one of these people, read once with what a flag
    # says of them (their panel and day), and only these people's links (decision 0136).
    naming = list(
        others.filter(Q(person_id__in=list(here)) | Q(case__subjects__person_id__in=list(here)))
        .values_list("pk", "person_id", "case_id", "meeting__panel__name", "meeting__meets_on")
        .distinct()
    )
    labels_of = {row[0]: f"{row[3]} ({row[4]:%-d %B %Y})" for row in naming}
    elsewhere = _people_of_items([row[:3] for row in naming], among=here)
    shared = set(here) & set(elsewhere)
    if not shared:
        return []
    from nestguard.people.models import Person

    names = {p.pk: p for p in Person.objects.filter(pk__in=shared)}
    flags = []
    for person_id in sorted(shared, key=lambda p: str(names[p]) if p in names else ""):
        person = names.get(person_id)
        flags.append(
            CrossPanelFlag(
                person_name=getattr(person, "display_name", str(person)),
                person_id=person_id,
                others=sorted({labels_of[i] for i in elsewhere[person_id]}),
            )
        )
    return flags


def chaired_panel_ids(user: Any) -> list[Any]:
    if not rules.may_use_panels(user) or not user.has_role(Role.PANEL_CHAIR):
        return []
    return list(Panel.objects.filter(chairs=user).values_list("pk", flat=True))


def flags_for_chair(user: Any) -> int:
    """How many people on the lists of the chair's upcoming meetings are on another panel's."""
    today = timezone.localdate()
    meetings = Meeting.objects.filter(
        panel__chairs=user, meets_on__gte=today, status="scheduled"
    ).order_by("meets_on")
    return len({f.person_id for m in meetings[:5] for f in cross_panel_flags(m)})


def action_list(user: Any, *, include_closed: bool = False) -> QuerySet[Action]:
    actions = visible_actions(user)
    if not include_closed:
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    return actions.select_related("panel", "meeting", "owner", "owner_agency").order_by(
        "due_on", "reference"
    )


def action_carries(action: Action) -> list[ActionCarry]:
    return list(
        ActionCarry.objects.filter(action=action).select_related("meeting").order_by("created_at")
    )


def owner_agency_choices(meeting: Meeting) -> list[Agency]:
    """Member agencies of the panel, and agencies of those recorded at the meeting."""
    ids = set(PanelMember.objects.filter(panel=meeting.panel).values_list("agency_id", flat=True))
    ids.update(Attendance.objects.filter(meeting=meeting).values_list("agency_id", flat=True))
    return list(Agency.objects.filter(pk__in=ids, active=True).order_by("name"))


def owner_choices(meeting: Meeting) -> list[User]:
    agencies = [a.pk for a in owner_agency_choices(meeting)]
    return list(
        User.objects.filter(
            is_active=True, agency_id__in=agencies, role_grants__role__in=rules.PANEL_ROLES
        )
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def attendee_choices(meeting: Meeting) -> list[User]:
    """Active users of any agency with a panel role, not yet recorded at the meeting."""
    recorded = Attendance.objects.filter(meeting=meeting).values("user_id")
    return list(
        User.objects.filter(
            is_active=True, agency__isnull=False, role_grants__role__in=rules.PANEL_ROLES
        )
        .exclude(pk__in=recorded)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def member_agency_choices(panel: Panel) -> list[Agency]:
    on = PanelMember.objects.filter(panel=panel).values("agency_id")
    return list(Agency.objects.filter(active=True).exclude(pk__in=on).order_by("name"))


def get_item(meeting: Meeting, pk: Any) -> AgendaItem:
    return get_object_or_404(AgendaItem, meeting=meeting, pk=pk)


def item_by_number(meeting: Meeting, number: int) -> AgendaItem:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "created_at"))
    if not 1 <= number <= len(items):
        raise Http404
    return items[number - 1]


def prefetch_meetings() -> Prefetch:
    return Prefetch("meetings", queryset=Meeting.objects.order_by("-meets_on"))
