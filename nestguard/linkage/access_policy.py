"""Who sees which linkage records: reviewers see pairs, index entries, merges and address
matches of their own agency and its partners; runs hold counts only; imports stay with the
agency that sent them. "Already known?" is a registered lookup: the door audits its terms.

Registered with the door from `LinkageConfig.ready`; read these only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.accounts.models import Role
from nestguard.linkage.models import (
    AddressMatch,
    Cluster,
    ImportBatch,
    LinkageRun,
    Merge,
    ReviewPair,
)
from nestguard.linkage.selectors import (
    REVIEWER,
    candidates_for,
    merge_visible,
    reviewer_agency_ids,
    subject_values,
)


def visible_review_pairs(user: Any) -> QuerySet[ReviewPair]:
    agencies = reviewer_agency_ids(user)
    return ReviewPair.objects.filter(left__agency_id__in=agencies, right__agency_id__in=agencies)


def visible_address_matches(user: Any) -> QuerySet[AddressMatch]:
    return AddressMatch.objects.filter(agency_id__in=reviewer_agency_ids(user))


def visible_clusters(user: Any) -> QuerySet[Cluster]:
    """Index entries holding a record the reviewer may see."""
    agencies = reviewer_agency_ids(user)
    return Cluster.objects.filter(records__agency_id__in=agencies).distinct()


def visible_merges(user: Any) -> QuerySet[Merge]:
    if not reviewer_agency_ids(user):
        return Merge.objects.none()
    return Merge.objects.all()


def _admits_merge(user: Any, merge: Merge) -> bool:
    return merge_visible(merge, reviewer_agency_ids(user))


def visible_runs(user: Any) -> QuerySet[LinkageRun]:
    """Runs hold counts, never personal data: reviewers and administrators see them all."""
    if not user or not user.is_authenticated or not user.has_role(REVIEWER, Role.ADMIN):
        return LinkageRun.objects.none()
    return LinkageRun.objects.select_related("started_by", "model")


def visible_imports(user: Any) -> QuerySet[ImportBatch]:
    """Imports of the user's own agency."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(agency_id=agency_id)


def already_known(user: Any, values: dict[str, str]) -> door.Answer:
    lookup = candidates_for(user, values)
    return door.Answer(
        result=lookup,
        terms=values,
        found=len(lookup.candidates),
        details={
            "candidates": [str(c.cluster_id) for c in lookup.candidates],
            "agencies_shown": sorted(
                {str(k.agency.pk) for c in lookup.candidates for k in c.known_to}
            ),
        },
        answered=not lookup.waiting,
    )


def already_known_subject(user: Any, subject: Any) -> door.Answer:
    """The same question for a person a referral names (its people and triage pages)."""
    return already_known(user, subject_values(subject))


def register() -> None:
    door.register(
        door.Policy(
            ReviewPair,
            visible_review_pairs,
            read_event="linkage.review_view",
            list_event="linkage.review_list",
            related=("left__agency", "right__agency", "decided_by"),
        )
    )
    door.register(
        door.Policy(
            AddressMatch,
            visible_address_matches,
            read_event="address_match.view",
            related=("agency", "source_record", "referral"),
        )
    )
    door.register(door.Policy(Cluster, visible_clusters, read_event="source_record.view"))
    door.register(
        door.Policy(
            Merge,
            visible_merges,
            read_event="linkage.merge_view",
            related=("into", "from_cluster"),
            admits=_admits_merge,
        )
    )
    door.register(door.Policy(LinkageRun, visible_runs, read_event=None))
    door.register(door.Policy(ImportBatch, visible_imports, read_event=None))
    door.register_lookup("already_known", "linkage.candidates", already_known)
    door.register_lookup("already_known_subject", "linkage.candidates", already_known_subject)
