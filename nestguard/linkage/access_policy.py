"""Who sees which linkage records: reviewers see pairs, index entries, merges and address
matches of their own agency and its partners; runs hold counts only; imports stay with the
agency that sent them. "Already known?" is a registered lookup: limited per user and audited
with its terms and disclosure basis by `services.lookups` (the door writes no second event).

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
    Lookup,
    merge_visible,
    reviewer_agency_ids,
    search_terms,
    subject_values,
)
from nestguard.linkage.services.lookups import (
    LOOKUP,
    LookupsExhausted,
    known_lookup_ask,
    known_lookups_ask,
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


def _answer(lookup: Lookup) -> door.Answer:
    return door.Answer(
        result=lookup,
        terms=lookup.terms,
        found=len(lookup.candidates),
        answered=not lookup.waiting,
    )


def already_known(user: Any, values: dict[str, str], purpose: str) -> door.Answer:
    """ "Already known?" for what someone typed (the form's script, the API). The lookup
    service checks the user's hourly limit first (raising LookupsExhausted, the refusal
    audited, when it is reached), then looks up and writes the one audit event (terms,
    answer, whether it counted, the disclosure basis), in one transaction with the user's
    row locked (docs/decisions/0072-already-known-need-to-know.md)."""
    return _answer(known_lookup_ask(actor=user, values=values, purpose=purpose))


def already_known_subject(user: Any, subject: Any, purpose: str) -> door.Answer:
    """The same question for a person a referral names (its people, detail and triage
    pages). Past the limit the page says so and when to try again (`refused`), rather than
    failing: the referral pages know nothing of the person index's exceptions."""
    try:
        return already_known(user, subject_values(subject), purpose)
    except LookupsExhausted as refused:
        return door.Answer(
            result=None,
            terms=search_terms(subject_values(subject)),
            found=0,
            answered=False,
            refused=refused,
        )


def already_known_all(user: Any, searches: list[dict[str, str]], purpose: str) -> door.Answer:
    """Several searches as one request (a referral's people, by the API): all answered and
    audited, or none; the limit is checked for all of them at once."""
    lookups = known_lookups_ask(actor=user, searches=searches, purpose=purpose)
    return door.Answer(
        result=lookups,
        terms={},
        found=sum(len(lookup.candidates) for lookup in lookups),
        answered=not any(lookup.waiting for lookup in lookups),
    )


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
    # The lookup service writes each lookup's one audit event (with the limit's count and the
    # disclosure basis), so the door writes none for these.
    for name, ask in (
        ("already_known", already_known),
        ("already_known_subject", already_known_subject),
        ("already_known_all", already_known_all),
    ):
        door.register_lookup(name, LOOKUP, ask, audits_itself=True)
