"""Every read of the person index, for one user (deny by default).

Who sees what (docs/decisions/0041-linkage-thresholds-and-reviewer-view.md and
0072-already-known-need-to-know.md):
- "already known?" while a referral is typed: anyone who may refer learns only whether the
  person may already be known to the partnership and whom to ask at the hub (its triage
  team). Which agencies know the person, whom to contact there, and how the fields compared
  are shown only to caseworkers, supervisors and linkage reviewers, and then only for the
  agencies their own agency shares an active agreement with (and their own); never the
  agencies' records themselves. Nestguard people in a shown candidate's cluster are linked
  only when the user may see them (`visible_people`);
- linkage reviewers see a pair, an index entry or an address match when every agency that
  supplied its records is their own or shares an active agreement with it, and then all the
  fields needed to decide with the provenance; every such view is audited. Anything else is
  404, exactly as what does not exist;
- a referral's own pages show its address match (the register's version of the address, the
  UPRN, the confidence) to whoever the page already shows the referral and its address.
"""

from __future__ import annotations

import enum
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from nestguard.access import door
from nestguard.access.selectors import partner_agency_ids
from nestguard.accounts.models import Agency, Role
from nestguard.core.hub import HubContact, hub_contacts
from nestguard.linkage import live_index, matching
from nestguard.linkage.address_index import CATCH_UP_WINDOW
from nestguard.linkage.live_index import IndexStatus
from nestguard.linkage.models import (
    AddressMatch,
    Cluster,
    ImportBatch,
    Merge,
    ReviewPair,
    SourceRecord,
)
from nestguard.linkage.rules import SEEING_WHO_KNOWS
from nestguard.linkage.thresholds import thresholds
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person
from nestguard.people.selectors import agencies_knowing
from nestguard.places.models import Address
from nestguard.referrals.models import Referral, ReferralStatus

REVIEWER = Role.LINKAGE_REVIEWER
QUERY_FIELDS = ("given_name", "family_name", "date_of_birth", "postcode", "sex", "phone")

EVIDENCE_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "name": "Name",
    "names": "Names",
    "date_of_birth": "Date of birth",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "address_line1": "Address",
    "town": "Town",
    "phone": "Phone",
    "identifier": "Identifier",
}


def evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, how it compared) in words, for pages and the API."""
    rows = []
    for key, level in (evidence or {}).items():
        label = EVIDENCE_LABELS.get(str(key), str(key).replace("_", " ").capitalize())
        rows.append((label, str(level).replace("_", " ")))
    return rows


@dataclass
class Contact:
    name: str
    email: str
    phone: str


@dataclass
class KnownBy:
    """An agency that knows the person, and whom to contact there. Not what it knows."""

    agency: Agency
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Candidate:
    cluster_id: Any
    match_probability: float
    match_weight: float
    evidence: dict[str, str]
    known_to: list[KnownBy]
    people: list[Person]  # Nestguard people in the cluster that the viewer may see

    @property
    def evidence_rows(self) -> list[tuple[str, str]]:
        return evidence_rows(self.evidence)

    @property
    def percent(self) -> int:
        return round(self.match_probability * 100)


# What a lookup says while the candidate index is not there yet (pages, the form's script
# and the API show the same words).
WAITING_MESSAGES = {
    IndexStatus.STARTING: (
        "The check for people already known to other agencies is starting and will be "
        "available shortly."
    ),
    IndexStatus.UNAVAILABLE: (
        "The check for people already known to other agencies is not available at the "
        "moment. Nestguard will try to start it again shortly."
    ),
}


class Answer(enum.StrEnum):
    """What a lookup says, in the same words to everyone (pages, the form's script, the API)."""

    NOT_CHECKED = "not_checked"  # no linkage model yet: nothing can be said
    NO_MATCH = "no_match"
    MAY_BE_KNOWN = "may_be_known"


@dataclass
class Lookup:
    # The candidates this viewer may be shown (agencies their agency shares an agreement
    # with); empty for a referrer whatever the index holds.
    candidates: list[Candidate]
    status: IndexStatus = IndexStatus.READY
    retry_after: int = 0  # seconds, while `waiting`
    # The search as typed (non-empty fields only), for the audit event.
    terms: dict[str, str] = field(default_factory=dict)
    # Someone in the index may be this person (whether or not this viewer is shown whom).
    known: bool = False
    ask: list[HubContact] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """False before any model has been trained, and while the index is not built."""
        return self.status is IndexStatus.READY

    @property
    def waiting(self) -> bool:
        """The check is starting, or briefly unavailable: ask again after `retry_after`."""
        return self.status in WAITING_MESSAGES

    @property
    def message(self) -> str:
        return WAITING_MESSAGES.get(self.status, "")

    @property
    def searched(self) -> bool:
        """A name was given, so the index was (or would have been) asked."""
        return bool(self.terms.get("given_name") or self.terms.get("family_name"))

    @property
    def answer(self) -> Answer:
        if not self.ready:
            return Answer.NOT_CHECKED
        return Answer.MAY_BE_KNOWN if self.known else Answer.NO_MATCH


def may_look_up(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def known_to_agency_ids(user: Any) -> set[Any]:
    """The agencies whose knowing a person this user may be told, with whom to contact and
    the evidence: for caseworkers, supervisors and linkage reviewers, their own agency and
    those it shares an active agreement with. Empty for everyone else (a referrer): they
    learn only whether the person may be known, and whom to ask at the hub."""
    agency = getattr(user, "agency", None)
    if not may_look_up(user) or agency is None or not agency.active:
        return set()
    if not SEEING_WHO_KNOWS.allows(user):
        return set()
    return {agency.pk} | partner_agency_ids(agency)


def _known_to(records: list[SourceRecord], people: list[Person]) -> list[KnownBy]:
    by_agency: dict[Any, KnownBy] = {}
    for record in records:
        known = by_agency.setdefault(record.agency_id, KnownBy(agency=record.agency))
        if record.contact_name or record.contact_email or record.contact_phone:
            contact = Contact(record.contact_name, record.contact_email, record.contact_phone)
            if contact not in known.contacts:
                known.contacts.append(contact)
    for person in people:
        for agency in agencies_knowing(person):
            by_agency.setdefault(agency.pk, KnownBy(agency=agency))
    for known in by_agency.values():
        agency = known.agency
        if not known.contacts and (agency.contact_name or agency.contact_email):
            known.contacts.append(
                Contact(agency.contact_name, agency.contact_email, agency.contact_phone)
            )
    return sorted(by_agency.values(), key=lambda k: k.agency.name)


def search_terms(values: dict[str, str]) -> dict[str, str]:
    """The fields of a search as typed (trimmed), without the empty ones."""
    return {f: str(values[f]).strip() for f in QUERY_FIELDS if str(values.get(f) or "").strip()}


def candidates_for(user: Any, values: dict[str, str], limit: int | None = None) -> Lookup:
    """Whether someone already in the index may be the person typed, and, for a user whose
    agency shares an agreement with the agencies that know them, who they are (best first,
    with the evidence and whom to contact). Ask through `services.lookups`, which limits
    and audits (`linkage.candidates`)."""
    terms = search_terms(values)
    if not may_look_up(user):
        return Lookup([], IndexStatus.NO_MODEL, terms=terms)  # nothing to say to them
    ask = hub_contacts()
    limits = thresholds()
    limit = min(limit or limits.candidate_limit, limits.candidate_limit)
    if not any(values.get(f) for f in ("given_name", "family_name")):
        return Lookup([], terms=terms, ask=ask)
    found = live_index.candidate_index()
    if found.index is None:
        return Lookup([], found.status, found.retry_after, terms=terms, ask=ask)
    hits = [
        h
        for h in found.index.lookup(matching.query_record(values), limit=limit * 4)
        if float(h.match_probability) >= limits.candidate_minimum
    ]
    placed = dict(
        (pk, (cluster, agency))
        for pk, cluster, agency in SourceRecord.objects.filter(
            pk__in=[h.record_id for h in hits], cluster__isnull=False
        ).values_list("pk", "cluster_id", "agency_id")
    )
    known = bool(placed)
    shown = known_to_agency_ids(user) if known else set()
    best: dict[Any, Any] = {}
    for hit in sorted(hits, key=lambda h: -float(h.match_probability)):
        # Only a record of an agency this user may be told about says who, and how it
        # compared: a match found through anyone else's record stays "may be known".
        cluster, agency = placed.get(_uuid(hit.record_id), (None, None))
        if cluster is not None and agency in shown and cluster not in best:
            best[cluster] = hit
        if len(best) >= limit:
            break
    return Lookup(_candidates(user, best, shown), terms=terms, known=known, ask=ask)


def _candidates(user: Any, best: dict[Any, Any], shown: set[Any]) -> list[Candidate]:
    if not best:
        return []
    records = list(
        SourceRecord.objects.filter(cluster__in=list(best))
        .select_related("agency")
        .order_by("agency__name", "received_at")
    )
    person_ids = [r.person_id for r in records if r.person_id]
    people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    seen = set(visible_people(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    candidates = []
    for cluster, hit in best.items():
        mine = [r for r in records if r.cluster_id == cluster]
        cluster_people = [people[r.person_id] for r in mine if r.person_id in people]
        known_to = [k for k in _known_to(mine, cluster_people) if k.agency.pk in shown]
        candidates.append(
            Candidate(
                cluster_id=cluster,
                match_probability=float(hit.match_probability),
                match_weight=float(hit.match_weight),
                evidence={str(k): str(v) for k, v in dict(hit.evidence or {}).items()},
                known_to=known_to,
                people=[p for p in cluster_people if p.pk in seen],
            )
        )
    return candidates


def subject_values(subject: Any) -> dict[str, str]:
    """What a referral says of a person, as a lookup."""
    referral = getattr(subject, "referral", None)
    born = getattr(subject, "date_of_birth", None)
    return {
        "given_name": getattr(subject, "given_name", "") or "",
        "family_name": getattr(subject, "family_name", "") or "",
        "date_of_birth": born.isoformat() if born else "",
        "postcode": getattr(referral, "address_postcode", "") or "",
    }


def _uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------
# Reviewers


def reviewer_agency_ids(user: Any) -> set[Any]:
    """The agencies whose records this reviewer may see: their own and its partners'."""
    if not user or not user.is_authenticated or not user.has_role(REVIEWER):
        return set()
    if user.agency_id is None:
        return set()
    return {user.agency_id} | partner_agency_ids(user.agency)


def review_queue(user: Any) -> QuerySet[ReviewPair]:
    return (
        door.visible(user, ReviewPair)
        .filter(status=ReviewPair.Status.PENDING)
        .select_related("left__agency", "right__agency")
        .order_by("-match_probability", "created_at")
    )


def address_queue(user: Any) -> QuerySet[AddressMatch]:
    return (
        door.visible(user, AddressMatch)
        .filter(status=AddressMatch.Status.PENDING)
        .select_related("agency")
    )


WAITING = "waiting"  # not an AddressMatch.Status: no match yet, the index is warming up


@dataclass(frozen=True)
class ReferralAddressMatch:
    """How a referral's address fared against the register, in the words of its page."""

    status: str  # an AddressMatch.Status
    uprn: str
    register_line: str  # the register's own one-line address; "" when there is none
    confidence: float

    @property
    def found(self) -> bool:
        return self.status in (AddressMatch.Status.MATCHED, AddressMatch.Status.CONFIRMED)

    @property
    def percent(self) -> int:
        # Rounded down: 0.9995 is "99%", never a certainty the matcher does not have.
        return math.floor(self.confidence * 100 + 1e-9)


def referral_address_match(referral: Referral) -> ReferralAddressMatch | None:
    """The address match of a referral, for a page that has already decided its reader may
    see the referral (and so its address). It adds the register's version of that address,
    its UPRN and how sure the match is: nothing about people, nothing from other agencies."""
    match = AddressMatch.objects.filter(referral_id=referral.pk).first()
    if match is None:
        gave_address = not referral.address_not_known and bool(
            referral.address_line1 or referral.address_postcode
        )
        sent = referral.submitted_at
        recent = sent is not None and sent >= timezone.now() - CATCH_UP_WINDOW
        if referral.status == ReferralStatus.DRAFT or not gave_address or not recent:
            return None
        # Sent while the address index was warming up: matched shortly (decision 0081).
        return ReferralAddressMatch(status=WAITING, uprn="", register_line="", confidence=0.0)
    found = match.status in (AddressMatch.Status.MATCHED, AddressMatch.Status.CONFIRMED)
    register = Address.objects.filter(uprn=match.uprn).first() if found and match.uprn else None
    return ReferralAddressMatch(
        status=match.status,
        uprn=match.uprn if found else "",
        register_line=register.one_line if register else "",
        confidence=match.confidence,
    )


@dataclass
class ClusterView:
    cluster: Cluster
    records: list[SourceRecord]  # those the reviewer may see
    hidden: int  # records from agencies the reviewer may not see
    merges: list[Merge]


def merge_visible(merge: Merge, agencies: set[Any]) -> bool:
    """A merge shows only when every record it moved or kept is one the reviewer may see."""
    ids = list(merge.moved) + list(merge.kept)
    return not SourceRecord.objects.filter(pk__in=ids).exclude(agency_id__in=agencies).exists()


def cluster_view(user: Any, cluster: Cluster) -> ClusterView:
    """An index entry (loaded through the door) as a reviewer may see it."""
    agencies = reviewer_agency_ids(user)
    records = list(
        SourceRecord.objects.filter(cluster=cluster, agency_id__in=agencies).select_related(
            "agency", "batch"
        )
    )
    hidden = SourceRecord.objects.filter(cluster=cluster).exclude(agency_id__in=agencies).count()
    merges = [
        m
        for m in Merge.objects.filter(into=cluster).select_related("actor", "undone_by")
        if merge_visible(m, agencies)
    ]
    return ClusterView(cluster=cluster, records=records, hidden=hidden, merges=merges)


def source_record_reloaded(record: SourceRecord) -> SourceRecord:
    """A record its sender just sent, read back with its agency for the answer."""
    return SourceRecord.objects.select_related("agency").get(pk=record.pk)


def batch_record_count(batch: ImportBatch) -> int:
    """How many records an import created (those already held were not created again)."""
    return SourceRecord.objects.filter(batch=batch).count()


DOUBTFUL_SHOWN = 200


def batch_doubtful_dates(batch: ImportBatch) -> list[tuple[str, str]]:
    """(record id, date of birth as sent) of an import's records whose date of birth was
    not a real date: kept as sent and compared as text (decision 0113). The first 200."""
    rows = (
        SourceRecord.objects.filter(batch=batch, date_of_birth="")
        .exclude(date_of_birth_given="")
        .order_by("record_id")
        .values_list("record_id", "date_of_birth_given")
    )
    return list(rows[:DOUBTFUL_SHOWN])


def merge_moved_records(user: Any, merge: Merge) -> QuerySet[SourceRecord]:
    """The records a merge moved, of the agencies the reviewer may see."""
    agencies = reviewer_agency_ids(user)
    return SourceRecord.objects.filter(pk__in=merge.moved, agency_id__in=agencies).select_related(
        "agency"
    )


def register_addresses(uprns: list[str]) -> dict[str | None, Address]:
    """The register's addresses for some UPRNs (the register holds no personal data)."""
    return {a.uprn: a for a in Address.objects.filter(uprn__in=uprns)}


def cluster_records(cluster_id: Any, agencies: set[Any]) -> list[SourceRecord]:
    return list(
        SourceRecord.objects.filter(cluster_id=cluster_id, agency_id__in=agencies).select_related(
            "agency"
        )
    )


def lookup_as_json(lookup: Lookup, person_url: Any) -> dict[str, Any]:
    """A lookup as the API and the referral form's script receive it (the same shape as
    `api.linkage.MatchesSerializer`). Every answer has every key: a referrer's `candidates`
    is always empty, and `ask` is the same list whatever the answer."""
    return {
        "ready": lookup.ready,
        "answer": str(lookup.answer),
        "ask": [
            {"agency": a.agency, "team": a.team, "name": a.name, "email": a.email, "phone": a.phone}
            for a in lookup.ask
        ],
        "candidates": [
            {
                "index_entry": str(c.cluster_id),
                "match_probability": c.match_probability,
                "match_weight": c.match_weight,
                "evidence": [{"field": f, "comparison": v} for f, v in c.evidence_rows],
                "known_to": [
                    {
                        "agency_id": str(k.agency.pk),
                        "agency": k.agency.name,
                        "agency_type": k.agency.type,
                        "contacts": [
                            {"name": x.name, "email": x.email, "phone": x.phone} for x in k.contacts
                        ],
                    }
                    for k in c.known_to
                ],
                "people": [
                    {"id": str(p.pk), "display_name": p.display_name, "url": person_url(p)}
                    for p in c.people
                ],
            }
            for c in lookup.candidates
        ],
    }
