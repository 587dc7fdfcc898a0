"""Who may change a case. Services check these and raise PermissionDenied; pages use them to
show only the actions a user may take.

- The lead agency's caseworkers and supervisors, and the caseworkers and supervisors named
  on the case team, may change the case: notes, people, team, lead, status, interventions,
  risk assessments, closing and reopening.
- Caseworkers of a partner agency on the team (under an active sharing agreement with the
  lead agency) contribute: they add notes, and interventions they own themselves, and update
  those interventions; they do not close the case or change its team, lead or status.
- Being named on the team counts only while the user's agency leads the case or shares an
  active sharing agreement with the lead agency; ending the agreement ends it at once.
- Anyone else cannot see the case at all (`nestguard.cases.access_policy.visible_cases`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nestguard.access.selectors import can_work_cases, partner_agency_ids
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import Case, CaseStatus, CaseTeamUser, Intervention


def _is_team_user(user: Any, case: Case) -> bool:
    """Named on the team, and still covered: a partner user whose agency's agreement with the
    lead agency has ended no longer counts (issue 10 point 5)."""
    lead = case.lead_agency_id
    if not user.agency_id or (
        lead != user.agency_id and lead not in partner_agency_ids(user.agency)
    ):
        return False
    return CaseTeamUser.objects.filter(case=case, user=user).exists()


def can_view_case(user: Any, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def can_edit_case(user: Any, case: Case) -> bool:
    """Lead agency caseworkers and supervisors, and caseworkers on the case team."""
    if not can_work_cases(user):
        return False
    return bool(case.lead_agency_id == user.agency_id or _is_team_user(user, case))


def can_contribute_to_case(user: Any, case: Case) -> bool:
    """Add notes and one's own interventions: editors, and partner caseworkers who see it."""
    return can_edit_case(user, case) or (can_work_cases(user) and can_view_case(user, case))


def can_close_case(user: Any, case: Case) -> bool:
    return can_edit_case(user, case)


def can_update_intervention(user: Any, intervention: Intervention) -> bool:
    case = intervention.case
    if can_edit_case(user, case):
        return True
    return intervention.owner_id == getattr(user, "pk", None) and can_contribute_to_case(user, case)


@dataclass(frozen=True)
class CasePermissions:
    """What one user may do with one case, worked out once for a page."""

    edit: bool
    contribute: bool
    close: bool
    user_id: Any

    @property
    def assess(self) -> bool:
        return self.edit

    def update_intervention(self, intervention: Intervention) -> bool:
        return self.edit or (self.contribute and intervention.owner_id == self.user_id)


def case_permissions(user: Any, case: Case) -> CasePermissions:
    """For a case the user can already see (the page loaded it from visible_cases)."""
    edit = can_edit_case(user, case)
    contribute = edit or can_work_cases(user)
    return CasePermissions(
        edit=edit,
        contribute=contribute,
        close=edit and case.status != CaseStatus.CLOSED,
        user_id=getattr(user, "pk", None),
    )
