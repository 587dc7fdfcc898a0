"""Who sees which referral (ARCHITECTURE.md section 5, docs/decisions/0002-access-model.md).

- its referrer, the status only (purpose `own_referral`);
- caseworkers and supervisors of the agencies it was routed to for triage;
- whoever may see the case it became.

Registered with the door from `ReferralsConfig.ready`; read referrals only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.access.rules import TRIAGE_ROLES
from nestguard.access.selectors import remembered
from nestguard.cases.access_policy import case_visible
from nestguard.core.queries import one_of
from nestguard.referrals.models import Referral, ReferralStatus


def triage_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals routed to the user's agency for triage (any status but draft)."""
    if not user or not user.is_authenticated or not user.has_role(*TRIAGE_ROLES):
        return Referral.objects.none()
    return Referral.objects.exclude(status=ReferralStatus.DRAFT).filter(
        triage_agencies=user.agency_id
    )


def own_referrals(user: Any) -> QuerySet[Referral]:
    if not user or not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(referrer=user)


def visible_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals whose full content the user may see (not the referrer's status-only view)."""
    if not user or not user.is_authenticated:
        return Referral.objects.none()
    # Built once a request and cloned for each caller, as `visible_cases` (decision 0121).
    return remembered(
        ("referrals.visible_referrals", user.pk), lambda: _visible_referrals(user)
    ).all()


def _visible_referrals(user: Any) -> QuerySet[Referral]:
    routed = Q(one_of(triage_referrals(user)))
    via_case = Q(case_visible(user))
    return Referral.objects.exclude(status=ReferralStatus.DRAFT).filter(routed | via_case)


def register() -> None:
    door.register(
        door.Policy(
            Referral,
            visible=visible_referrals,
            read_event="referral.view",
            related=("referrer", "referrer_agency", "address", "decided_by", "case"),
            scopes={
                # The referrer writes their own draft and follows its status; the status page
                # marks the referral seen and records that (`referral_status_view`).
                "own_referral": door.Scope(own_referrals, read_event=None),
            },
        )
    )
