"""Who may see and do what with panels, meetings, minutes and actions.

The decision and its truth table: docs/decisions/0050-who-reads-panel-minutes.md and
tests/test_access_panels.py.

- Panel pages are for panel chairs, caseworkers and supervisors (`PANEL_PAGES`). Among them a
  panel is visible to its chairs, to users of its member agencies, and to anyone recorded at
  one of its meetings; to everyone else it answers 404.
- The agenda and minutes of a meeting (names, discussion, decisions, actions) are read by:
  the panel's chairs; attendees who have signed the confidentiality agreement (an attendee
  who has not signed sees nothing until they sign); and, in the panel's member agencies,
  supervisors, panel chairs and the agency's named point of contact (restricted minutes
  distribution). A caseworker of a member agency who did not attend does not read them.
  Auditors read who looked at the minutes through the audit trail, never the minutes.
- Only the panel's chairs change a panel, its meetings, agendas, attendance and minutes.
- An action is read by its owner, by caseworkers, supervisors and chairs of its owner agency
  (the action is addressed to them), and by whoever reads the minutes of its meeting. It is
  updated by its owner, by supervisors of its owner agency, and by the panel's chairs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access.rules import roles
from nestguard.access.selectors import remembered
from nestguard.accounts.models import Role
from nestguard.panels.models import Action, Attendance, Meeting, Panel, PanelMember

PANEL_ROLES = frozenset({Role.PANEL_CHAIR, Role.CASEWORKER, Role.SUPERVISOR})
PANEL_PAGES = roles(*PANEL_ROLES)
# In a member agency, these roles receive the restricted minutes.
MINUTES_ROLES = frozenset({Role.PANEL_CHAIR, Role.SUPERVISOR})
# In the owner agency, these roles see the actions addressed to it.
ACTION_AGENCY_ROLES = frozenset({Role.PANEL_CHAIR, Role.CASEWORKER, Role.SUPERVISOR})


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.agency_id)


def may_use_panels(user: Any) -> bool:
    return _active(user) and bool(user.has_role(*PANEL_ROLES))


def is_chair(user: Any, panel: Panel) -> bool:
    """Asked by the agenda page up to four times: answered once per request that writes
    nothing (`access.selectors.remembered`)."""
    if not _active(user) or not user.has_role(Role.PANEL_CHAIR):
        return False
    return remembered(
        ("panels.is_chair", user.pk, panel.pk), lambda: panel.chairs.filter(pk=user.pk).exists()
    )


def readable_meetings(user: Any) -> QuerySet[Meeting]:
    """The meetings whose agenda and minutes the user may read: the rule as one query."""
    if not may_use_panels(user):
        return Meeting.objects.none()
    attended = Attendance.objects.filter(meeting=OuterRef("pk"), user=user)
    chaired = Q(panel__chairs=user) if user.has_role(Role.PANEL_CHAIR) else Q(pk__in=[])
    signed = Exists(attended.filter(agreement_signed_at__isnull=False))
    unsigned = Exists(attended.filter(agreement_signed_at__isnull=True))
    members = PanelMember.objects.filter(panel=OuterRef("panel_id"), agency_id=user.agency_id)
    if not user.has_role(*MINUTES_ROLES):
        members = members.filter(contact=user)
    by_agency = Q(Exists(members)) & ~Q(unsigned)
    return Meeting.objects.filter(chaired | Q(signed) | by_agency).distinct()


def may_read_minutes(user: Any, meeting: Meeting) -> bool:
    """The minutes rule (see the module docstring): one place, used by pages and API. Asked
    twice by the agenda page (the door's read and the page): answered once per request that
    writes nothing, for this user and meeting (decision 0136)."""
    return remembered(
        ("panels.may_read_minutes", user.pk, meeting.pk),
        lambda: readable_meetings(user).filter(pk=meeting.pk).exists(),
    )


def must_sign_first(user: Any, meeting: Meeting) -> bool:
    """An attendee who has not yet signed: sent to the agreement, not shown the minutes."""
    if is_chair(user, meeting.panel):
        return False
    # Asked twice by the agenda page, as `may_read_minutes` is.
    return remembered(
        ("panels.must_sign_first", user.pk, meeting.pk),
        lambda: Attendance.objects.filter(
            meeting=meeting, user=user, agreement_signed_at__isnull=True
        ).exists(),
    )


def may_update_action(user: Any, action: Action) -> bool:
    if not may_use_panels(user):
        return False
    if action.owner_id == user.pk:
        return True
    if user.agency_id == action.owner_agency_id and user.has_role(Role.SUPERVISOR):
        return True
    return is_chair(user, action.panel)


def action_updater(user: Any, panel: Panel) -> Any:
    """`may_update_action` for the actions of one panel, worked out once for a page."""
    chair = is_chair(user, panel)
    usable = may_use_panels(user)
    supervisor = usable and bool(user.has_role(Role.SUPERVISOR))

    def may(action: Action) -> bool:
        if not usable:
            return False
        return (
            chair
            or action.owner_id == user.pk
            or (supervisor and action.owner_agency_id == user.agency_id)
        )

    return may
