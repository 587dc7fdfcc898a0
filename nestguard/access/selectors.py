"""THE read path for protected records. Every query of cases, referrals and people starts here.

Who sees what (ARCHITECTURE.md section 5, docs/decisions/0002-access-model.md):
- a case: caseworkers and supervisors of its lead agency; users named on its team while their
  agency leads the case or shares an active sharing agreement with the lead agency; and
  caseworkers and supervisors of a partner agency on its team while that agency and the lead
  agency share an active sharing agreement;
- a referral: its referrer (status only); caseworkers and supervisors of the agencies it was
  routed to for triage; and whoever may see the case it became;
- a person: whoever may see a case or a triage referral that names them;
- analysts, auditors and administrators see no case content through these selectors.

A record outside these sets answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from nestguard.access.rules import CASE_ROLES, TRIAGE_ROLES
from nestguard.accounts.models import Agency, SharingAgreement
from nestguard.cases.models import Case, CaseSubject, CaseTeamAgency, CaseTeamUser
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject


def _active_agreements(on: date) -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.filter(revoked_at__isnull=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def partner_agency_ids(agency: Agency | None, on: date | None = None) -> set[Any]:
    """Agencies that share an active sharing agreement with `agency`."""
    if agency is None:
        return set()
    agreements = _active_agreements(on or timezone.localdate()).filter(parties=agency)
    ids = set(Agency.objects.filter(sharing_agreements__in=agreements).values_list("id", flat=True))
    ids.discard(agency.id)
    return ids


def can_work_cases(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.agency_id and user.has_role(*CASE_ROLES))


def visible_cases(user: Any) -> QuerySet[Case]:
    if not user or not user.is_authenticated:
        return Case.objects.none()
    partners = partner_agency_ids(user.agency)
    # Being named on the team counts only while the user's agency leads the case or shares
    # an active agreement with the lead agency: ending the agreement ends a partner user's
    # access at once (issue 10 point 5; docs/decisions/0074-ending-agreements.md).
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
    routed = Q(pk__in=triage_referrals(user).values("pk"))
    via_case = Q(case__in=visible_case_ids(user))
    return Referral.objects.exclude(status=ReferralStatus.DRAFT).filter(routed | via_case)


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
