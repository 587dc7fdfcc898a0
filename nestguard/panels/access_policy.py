"""Who sees which panel, meeting and action (docs/decisions/0050-who-reads-panel-minutes.md).

- a panel: its chairs, users of its member agencies, and those recorded at its meetings;
- a meeting: of a panel the user sees; its agenda and minutes (and so the audited read) only
  for those `rules.may_read_minutes` allows;
- an action: its owner, its agency's caseworkers, supervisors and chairs, and readers of the
  minutes of its meeting.

Registered with the door from `PanelsConfig.ready`; read these only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.panels import rules
from nestguard.panels.models import Action, Attendance, Meeting, Panel, PanelMember


def visible_panels(user: Any) -> QuerySet[Panel]:
    """Panels the user chairs, whose member agencies include theirs, or whose meetings they
    were recorded at."""
    if not rules.may_use_panels(user):
        return Panel.objects.none()
    member = Exists(PanelMember.objects.filter(panel=OuterRef("pk"), agency_id=user.agency_id))
    attended = Exists(Attendance.objects.filter(meeting__panel=OuterRef("pk"), user=user))
    chaired = Exists(Panel.chairs.through.objects.filter(panel_id=OuterRef("pk"), user_id=user.pk))
    return Panel.objects.filter(Q(member) | Q(attended) | Q(chaired))


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(panel__in=visible_panels(user))


def visible_actions(user: Any) -> QuerySet[Action]:
    """Actions the user owns, actions addressed to their agency (for its caseworkers,
    supervisors and chairs), and the actions of meetings whose minutes they may read."""
    if not rules.may_use_panels(user):
        return Action.objects.none()
    condition = Q(owner=user)
    if user.has_role(*rules.ACTION_AGENCY_ROLES):
        condition |= Q(owner_agency_id=user.agency_id)
    condition |= Q(meeting__in=rules.readable_meetings(user).values("pk"))
    return Action.objects.filter(condition)


def panel_actions(scope: door.PanelScope) -> QuerySet[Action]:
    """Actions whose item names no case or person outside the scope (the same test the
    agenda build applies to every candidate)."""
    case_ok = Q(item__case__isnull=True) | Q(item__case_id__in=scope.case_ids)
    person_ok = Q(item__person__isnull=True) | Q(item__person_id__in=scope.person_ids)
    return Action.objects.filter(case_ok & person_ok)


def _minutes_basis(user: Any, meeting: Meeting) -> Any:
    """The agreement under which the minutes show the agenda's lead agencies' cases."""
    from nestguard.panels.services.meetings import meeting_basis

    return meeting_basis(user, meeting)


def _shows_minutes(user: Any, meeting: Meeting) -> bool:
    return rules.may_read_minutes(user, meeting) and not rules.must_sign_first(user, meeting)


def register() -> None:
    # A panel is its name, cadence and member agencies: no personal data to audit.
    door.register(door.Policy(Panel, visible_panels, read_event=None))
    door.register(
        door.Policy(
            Meeting,
            visible_meetings,
            read_event="meeting.view",
            related=("panel",),
            audits=_shows_minutes,
            basis=_minutes_basis,
        )
    )
    door.register(
        door.Policy(
            Action,
            visible_actions,
            read_event="action.view",
            list_event="action.list",
            related=("panel", "meeting", "item", "owner", "owner_agency", "created_by"),
            for_panel=panel_actions,
        )
    )
