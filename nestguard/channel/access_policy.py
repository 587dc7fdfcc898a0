"""Who sees a Prevent referral (decision 0109): those who act for the Prevent lead it was made
to (caseworkers and supervisors of the lead's agency, or of its team when the lead is a
team), and the referrer's agency (its caseworkers and supervisors, and the referrer), which
sees the stage and the panel's outcome only (`may(user, "lead", record)` tells the pages).
Nobody else, whatever their agreements: Prevent is a compartment of its own. Consent records
are the lead's alone. Counted only by the Prevent report (`reporting` scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.access.rules import CASE_ROLES, may_report
from nestguard.channel.models import ConsentRecord, PreventReferral
from nestguard.channel.selectors import leads_referral


def _lead_q(user: Any, prefix: str = "") -> Q:
    if not user.agency_id or not user.has_role(*CASE_ROLES):
        return Q(pk__in=[])
    agency = Q(**{f"{prefix}lead_agency_id": user.agency_id})
    team = Q(**{f"{prefix}lead_team__isnull": True}) | Q(**{f"{prefix}lead_team__members": user})
    return agency & team


def visible_prevent_referrals(user: Any) -> QuerySet[PreventReferral]:
    if not user.agency_id:
        return PreventReferral.objects.none()
    referrers = Q(referrer=user)
    if user.has_role(*CASE_ROLES):
        referrers |= Q(referrer_agency_id=user.agency_id)
    return PreventReferral.objects.filter(_lead_q(user) | referrers).distinct()


def visible_consents(user: Any) -> QuerySet[ConsentRecord]:
    if not user.agency_id:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(_lead_q(user, "prevent_referral__")).distinct()


def counted_prevent_referrals(user: Any) -> QuerySet[PreventReferral]:
    """The Prevent report counts every referral, for those whose role is the partnership's
    picture; only counts leave, suppressed (decision 0089)."""
    if may_report(user):
        return PreventReferral.objects.all()
    return PreventReferral.objects.none()


def register() -> None:
    door.register(
        door.Policy(
            PreventReferral,
            visible=visible_prevent_referrals,
            read_event="prevent.view",
            list_event="prevent.list",
            related=("person", "referrer", "referrer_agency", "lead_agency", "lead_team"),
            actions={"lead": leads_referral},
            scopes={"reporting": door.Scope(counted_prevent_referrals, read_event=None)},
        )
    )
    door.register(door.Policy(ConsentRecord, visible=visible_consents, read_event=None))
