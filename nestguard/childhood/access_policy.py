"""Who sees a child's placements, education and transition plans (decision 0110).

- placements and education statuses: whoever may see a case naming the child (the lead
  agency's caseworkers and supervisors, and the team under an agreement in force); a referral
  in triage does not open them, nor does anything else. Someone who may not see such a case
  learns nothing, not even that a placement exists: the person page answers 404 to them, and
  the pages of the records answer 404 as for a record that does not exist;
- a transition plan: whoever may see its case;
- a panel: the children and cases in its scope (decision 0073).

They are read as part of the person or the case (whose load writes the read event), so the
policies write no read events of their own. Registered from `ChildhoodConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from nestguard.access import door
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseSubject
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan


def _on_visible_case(user: Any) -> Exists:
    return Exists(CaseSubject.objects.filter(case_visible(user), person=OuterRef("person")))


def visible_placements(user: Any) -> QuerySet[Placement]:
    if not user or not user.is_authenticated:
        return Placement.objects.none()
    return Placement.objects.filter(_on_visible_case(user))


def visible_education(user: Any) -> QuerySet[EducationStatus]:
    if not user or not user.is_authenticated:
        return EducationStatus.objects.none()
    return EducationStatus.objects.filter(_on_visible_case(user))


def visible_transition_plans(user: Any) -> QuerySet[TransitionPlan]:
    if not user or not user.is_authenticated:
        return TransitionPlan.objects.none()
    return TransitionPlan.objects.filter(case_visible(user))


def register() -> None:
    door.register(
        door.Policy(
            Placement,
            visible_placements,
            read_event=None,
            related=("person", "recording_agency"),
            for_panel=lambda scope: Placement.objects.filter(person_id__in=scope.person_ids),
        )
    )
    door.register(
        door.Policy(
            EducationStatus,
            visible_education,
            read_event=None,
            related=("person", "recording_agency"),
            for_panel=lambda scope: EducationStatus.objects.filter(person_id__in=scope.person_ids),
        )
    )
    door.register(
        door.Policy(
            TransitionPlan,
            visible_transition_plans,
            read_event=None,
            related=("case", "person", "adult_agency"),
            for_panel=lambda scope: TransitionPlan.objects.filter(case_id__in=scope.case_ids),
        )
    )
