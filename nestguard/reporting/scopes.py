"""What aggregates may count: the `reporting` scope of each model a report reads (decision
0089). Reports count across the partnership, for those whose role is to see its picture, and
only ever show counts; a model with no reporting scope cannot be counted (`door.counted`
refuses it), so a new report cannot quietly read a model nobody agreed to count."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from nestguard.access import rules
from nestguard.access.door import Scope, add_scope


def reporting_scope(model: type[Model]) -> Scope:
    """Every record of `model`, for a user whose role may see the partnership's picture; none
    for anyone else. No read event: the report that counts writes one (`report.read`)."""

    def visible(user: Any) -> QuerySet[Any]:
        if rules.may_report(user):
            return model._default_manager.all()
        return model._default_manager.none()

    return Scope(visible=visible, read_event=None)


def register() -> None:
    from nestguard.cases.models import Case
    from nestguard.childhood.models import EducationStatus, Placement
    from nestguard.pathways.models import MissingEpisode
    from nestguard.people.models import Person
    from nestguard.places.models import Address, RepeatAddressAlert
    from nestguard.referrals.models import Referral

    for model in (
        Case,
        Referral,
        Address,
        RepeatAddressAlert,
        MissingEpisode,
        Person,
        Placement,
        EducationStatus,
    ):
        add_scope(model, "reporting", reporting_scope(model))
