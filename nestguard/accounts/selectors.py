"""The partnership as administrators see it: agencies, people's accounts, agreements."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from nestguard.accounts.models import Agency, RoleGrant, SharingAgreement, Team, User


def partnership_agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def partnership_users() -> QuerySet[User]:
    return (
        User.objects.select_related("agency")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("agency__name", "username")
    )


def partnership_teams() -> QuerySet[Team]:
    return Team.objects.select_related("agency").prefetch_related("members").order_by("name")


def partnership_agreements() -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.prefetch_related("parties").order_by("name")
