"""Who sees which case (ARCHITECTURE.md section 5, docs/decisions/0002-access-model.md).

- caseworkers and supervisors of its lead agency;
- users named on its team while their agency leads the case or shares an active sharing
  agreement with the lead agency (ending the agreement ends a partner user's access at once:
  issue 10 point 5, docs/decisions/0074-ending-agreements.md);
- caseworkers and supervisors of a partner agency on its team while that agency and the lead
  agency share an active sharing agreement.

A chronology entry: the entries of the cases a user sees, as far as the entries' handling
restrictions let the user read them (decision 78). An entry is read as part of its case (the
case's load writes the read event), so loading one writes no event of its own.

Analysts, auditors and administrators see no case content. Registered with the door
(`nestguard.access.door`) from `CasesConfig.ready`; read cases only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Expression, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import (
    can_work_cases,
    one_of_remembered,
    partner_agency_ids,
    remembered,
)
from nestguard.cases.models import Case, CaseTeamAgency, CaseTeamUser, ChronologyEntry


def visible_cases(user: Any) -> QuerySet[Case]:
    if not user or not user.is_authenticated:
        return Case.objects.none()
    # Built once a request (a page asks a dozen times, once for each section that shows
    # case-bound rows; building the condition was a tenth of the address page's time,
    # decision 0121), and cloned for each caller: a queryset is a description of a read, not
    # its answer, so the clone reads the database afresh when it is evaluated.
    return remembered(("cases.visible_cases", user.pk), lambda: _visible_cases(user)).all()


def _visible_cases(user: Any) -> QuerySet[Case]:
    partners = partner_agency_ids(user.agency)
    # Being named on the team counts only while the user's agency leads the case or shares
    # an active agreement with the lead agency (issue 10 point 5).
    covered = {user.agency_id, *partners} if user.agency_id else set()
    on_team = Exists(CaseTeamUser.objects.filter(case=OuterRef("pk"), user=user))
    condition = Q(on_team, lead_agency_id__in=covered)
    if can_work_cases(user):
        partner_on_team = Exists(
            CaseTeamAgency.objects.filter(case=OuterRef("pk"), agency_id=user.agency_id)
        )
        condition |= Q(lead_agency_id=user.agency_id)
        if partners:
            condition |= Q(partner_on_team, lead_agency_id__in=partners)
    return Case.objects.filter(condition)


def visible_case_ids(user: Any) -> QuerySet[Case, Any]:
    return visible_cases(user).values("pk")


def case_visible(user: Any, field: str = "case") -> Exists | Q | Expression:
    """The outer row's `field` is a case the user may see, asked row by row: in a filter, in
    place of `case__in=visible_case_ids(user)`, which lists every visible case first
    (`nestguard.core.queries.one_of`, decision 0081)."""
    key = ("cases.visible_cases", getattr(user, "pk", None))
    return one_of_remembered(key, lambda: visible_cases(user), field)


def visible_chronology(user: Any) -> QuerySet[ChronologyEntry]:
    """Entries of visible cases that the user's handling restrictions let them read."""
    return ChronologyEntry.objects.filter(case_visible(user)).restricted_for(user)


def panel_cases(scope: door.PanelScope) -> QuerySet[Case]:
    return Case.objects.filter(pk__in=scope.case_ids)


def register() -> None:
    door.register(
        door.Policy(
            Case,
            visible=visible_cases,
            read_event="case.view",
            list_event="case.list",
            related=("lead_agency", "lead_worker"),
            for_panel=panel_cases,
        )
    )
    door.register(
        door.Policy(
            ChronologyEntry,
            visible=visible_chronology,
            read_event=None,
            related=("case", "author"),
        )
    )
