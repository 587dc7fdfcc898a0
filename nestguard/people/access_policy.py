"""Who sees which person: whoever may see a case or a triage referral that names them.

Registered with the door from `PeopleConfig.ready`; read people only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.cases.access_policy import visible_case_ids
from nestguard.cases.models import CaseSubject
from nestguard.people.models import Person
from nestguard.referrals.access_policy import triage_referrals
from nestguard.referrals.models import ReferralSubject


def visible_people(user: Any) -> QuerySet[Person]:
    if not user or not user.is_authenticated:
        return Person.objects.none()
    on_case = Exists(
        CaseSubject.objects.filter(person=OuterRef("pk"), case__in=visible_case_ids(user))
    )
    on_referral = Exists(
        ReferralSubject.objects.filter(
            person=OuterRef("pk"), referral__in=triage_referrals(user).values("pk")
        )
    )
    return Person.objects.filter(Q(on_case) | Q(on_referral))


def panel_people(scope: door.PanelScope) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=scope.person_ids)


def register() -> None:
    door.register(
        door.Policy(
            Person, visible=visible_people, read_event="person.view", for_panel=panel_people
        )
    )
