"""Who sees which person: whoever may see a case or a triage referral that names them.

Registered with the door from `PeopleConfig.ready`; read people only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Expression, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import one_of_remembered, remembered
from nestguard.cases.access_policy import case_visible
from nestguard.cases.models import CaseSubject
from nestguard.core.queries import one_of
from nestguard.people.models import Person
from nestguard.referrals.access_policy import triage_referrals
from nestguard.referrals.models import ReferralSubject


def visible_people(user: Any) -> QuerySet[Person]:
    if not user or not user.is_authenticated:
        return Person.objects.none()
    # Built once a request and cloned for each caller, as `visible_cases` (decision 0121).
    return remembered(("people.visible_people", user.pk), lambda: _visible_people(user)).all()


def person_visible(user: Any, field: str = "person") -> Exists | Q | Expression:
    """The outer row's `field` is a person the user may see, asked row by row (as
    `case_visible`; the condition compiled once a read request, decision 0141)."""
    key = ("people.visible_people", getattr(user, "pk", None))
    return one_of_remembered(key, lambda: visible_people(user), field)


def _visible_people(user: Any) -> QuerySet[Person]:
    on_case = Exists(CaseSubject.objects.filter(case_visible(user), person=OuterRef("pk")))
    on_referral = Exists(
        ReferralSubject.objects.filter(
            one_of(triage_referrals(user), "referral"), person=OuterRef("pk")
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
