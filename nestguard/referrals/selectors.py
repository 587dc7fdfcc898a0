"""Reads of referrals for the pages and the API. Every query starts from nestguard.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from nestguard.core.keyset import Key
from nestguard.core.queries import one_of
from nestguard.referrals.access_policy import own_referrals, triage_referrals, visible_referrals
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject

# The queue's order, for keyset pages (decision 0081): the most urgent first, then the soonest
# due, then the longest waiting. A waiting referral has both times (the constraint
# `referral_submitted_has_clock`), so no key needs `NULLS LAST`, which kept SQLite from
# stopping after a page (decision 0130).
TRIAGE_QUEUE_KEYS = (
    Key("urgency_rank"),
    Key("triage_due_at"),
    Key("submitted_at"),
    Key("pk"),
)


def triage_queue(user: Any, *, concern: str = "") -> QuerySet[Referral]:
    """Submitted referrals routed to the user's agency: most urgent first, then soonest due."""
    queue = (
        triage_referrals(user)
        .filter(status=ReferralStatus.SUBMITTED)
        .select_related("referrer_agency")
        # A correlated subquery, not a join: the database counts subjects only for the rows
        # a page shows, and the queue's counts (total, overdue) never touch the subjects.
        .annotate(subject_count=_subject_count())
        .order_by(*(key.order_by(reverse=False) for key in TRIAGE_QUEUE_KEYS))
    )
    if concern:
        # Concern codes are stored as a JSON list; a quoted match is exact on both databases.
        queue = queue.filter(concern_types__icontains=f'"{concern}"')
    return queue


def _subject_count() -> Coalesce:
    per_referral = (
        ReferralSubject.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_referral, output_field=IntegerField()), 0)


def my_referrals(user: Any) -> QuerySet[Referral]:
    return own_referrals(user).order_by("-created_at")


def subject_of(referral: Referral, pk: Any) -> ReferralSubject:
    """A person named on a referral already loaded through the door; 404 for any other."""
    return get_object_or_404(ReferralSubject.objects.filter(referral=referral), pk=pk)


def api_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals the user made or may read in full, for the API list."""
    return (
        Referral.objects.filter(Q(one_of(own_referrals(user))) | Q(one_of(visible_referrals(user))))
        .select_related("referrer_agency")
        .order_by("-created_at")
    )
