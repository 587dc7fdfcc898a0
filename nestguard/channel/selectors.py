"""Who the Prevent lead is, and whether a user acts for it (decision 0109)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nestguard.access.rules import CASE_ROLES
from nestguard.channel.models import PreventLead, PreventReferral

if TYPE_CHECKING:
    from nestguard.accounts.models import User


def current_lead() -> PreventLead | None:
    """The Prevent lead in force: the latest named without an end."""
    return (
        PreventLead.objects.filter(ended_at__isnull=True)
        .select_related("agency", "team")
        .order_by("-created_at")
        .first()
    )


def _acts_for(user: Any, agency_id: Any, team_id: Any) -> bool:
    if not user or not user.is_authenticated or not user.agency_id:
        return False
    if user.agency_id != agency_id or not user.has_role(*CASE_ROLES):
        return False
    return team_id is None or user.teams.filter(pk=team_id).exists()


def is_prevent_lead(user: User | Any, lead: PreventLead | None = None) -> bool:
    """Does the user act for the Prevent lead now in force (a caseworker or supervisor of
    its agency; of its team, when the lead is a team)?"""
    lead = lead if lead is not None else current_lead()
    return lead is not None and _acts_for(user, lead.agency_id, lead.team_id)


def leads_referral(user: User | Any, referral: PreventReferral) -> bool:
    """Does the user act for the Prevent lead the referral was made to?"""
    return _acts_for(user, referral.lead_agency_id, referral.lead_team_id)
