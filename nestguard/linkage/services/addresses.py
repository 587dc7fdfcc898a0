"""Address strings from agencies' records and from referrals, matched to the address
register (UPRN) by the engine's `match_address`, with a confidence. At or above the accept
threshold the match is recorded; between review and accept a reviewer decides; below, the
string is recorded as having no match. The places app's own deterministic resolver is left
as it is: these matches live here, on `AddressMatch`.

A string is matched when it arrives (docs/decisions/0042-address-matching-on-arrival.md): a
source record in the transaction that stores it, an imported file's records together in the
import's transaction, a referral in the transaction that submits it. The batch refresh
matches whatever has no match yet (records and referrals from before, or a referral whose
arrival matching failed), so nothing is matched twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.linkage.address_index import (
    CATCH_UP_WINDOW,
    address_index,
    ready_address_index,
)
from nestguard.linkage.models import AddressMatch, SourceRecord
from nestguard.linkage.thresholds import thresholds
from nestguard.referrals.models import Referral, ReferralStatus

if TYPE_CHECKING:
    from nestguard.linkage.engine import AddressIndex

# The best candidate and this many others are kept for the reviewer to choose from.
ALTERNATIVES = 5


def referral_address_text(referral: Referral) -> str:
    parts = (
        referral.address_line1,
        referral.address_line2,
        referral.address_town,
        referral.address_postcode,
    )
    return ", ".join(p for p in parts if p)


def record_has_address(record: SourceRecord) -> bool:
    """A record gave an address when it gave a first line or a postcode (a town alone
    says nothing about a property)."""
    return bool(record.address_line1 or record.postcode)


def referral_has_address(referral: Referral) -> bool:
    """Answering "no fixed address, or not known" gives no address to match."""
    return not referral.address_not_known and bool(
        referral.address_line1 or referral.address_postcode
    )


def _status_for(confidence: float) -> str:
    limits = thresholds()
    if confidence >= limits.address_accept:
        return AddressMatch.Status.MATCHED
    if confidence >= limits.address_review:
        return AddressMatch.Status.PENDING
    return AddressMatch.Status.UNMATCHED


def match_text(text: str, index: AddressIndex) -> AddressMatch:
    """An unsaved AddressMatch for `text`: the best candidate and up to four others."""
    from nestguard.linkage.engine import match_address

    found = list(match_address(text, index))[:ALTERNATIVES]
    best = found[0] if found else None
    confidence = float(best.confidence) if best else 0.0
    return AddressMatch(
        text=text[:600],
        uprn=str(best.uprn) if best and confidence >= thresholds().address_review else "",
        confidence=confidence,
        evidence={str(k): str(v) for k, v in dict(best.evidence or {}).items()} if best else {},
        alternatives=[
            {"uprn": str(m.uprn), "confidence": round(float(m.confidence), 4)} for m in found
        ],
        status=_status_for(confidence),
    )


def _record_match(record: SourceRecord, index: AddressIndex) -> AddressMatch:
    match = match_text(record.address_text, index)
    match.agency_id = record.agency_id
    match.source_record = record
    return match


def _referral_match(referral: Referral, index: AddressIndex) -> AddressMatch:
    match = match_text(referral_address_text(referral), index)
    # The referrer's agency supplied the string: it decides which reviewers may see it.
    match.agency_id = referral.referrer_agency_id
    match.referral = referral
    return match


def _counts(made: Iterable[AddressMatch]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in made:
        key = f"addresses_{match.status}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _store(
    *, actor: Any, made: list[AddressMatch], about: Model | None, label: str, purpose: str
) -> dict[str, int]:
    """Write the matches with ONE audit event for them all (counts by status, no address
    text: the event says what was done, the match rows say to what)."""
    for last_try in (False, True):
        try:
            with transaction.atomic():
                fresh = _not_matched_yet(made)
                if fresh:
                    AddressMatch.objects.bulk_create(fresh, batch_size=1000)
                    audit_record(
                        actor=actor,
                        action="address_match.record",
                        obj=about,
                        object_type="" if about is not None else "addressmatch",
                        object_label=label,
                        purpose=purpose,
                        details=_counts(fresh),
                    )
            return _counts(fresh)
        except IntegrityError:
            # Another process matched some of these between the check and the insert (two
            # web processes' catch-ups after their index builds; on PostgreSQL, where the
            # check does not take the write lock): check again, once it has committed.
            if last_try:
                raise
    return {}


def _not_matched_yet(made: list[AddressMatch]) -> list[AddressMatch]:
    """The matches whose referral or source record has none yet (read inside the writing
    transaction: what another process stored meanwhile is left as it stored it)."""
    referrals = {m.referral_id for m in made if m.referral_id is not None}
    records = {m.source_record_id for m in made if m.source_record_id is not None}
    taken = AddressMatch.objects.filter(
        Q(referral_id__in=referrals) | Q(source_record_id__in=records)
    ).values_list("referral_id", "source_record_id")
    done_referrals = {r for r, _ in taken if r is not None}
    done_records = {s for _, s in taken if s is not None}
    return [
        m
        for m in made
        if m.referral_id not in done_referrals and m.source_record_id not in done_records
    ]


def source_record_addresses_match(
    *,
    actor: Any,
    records: Sequence[SourceRecord],
    about: Model | None = None,
    purpose: str = "Address matched on arrival",
) -> dict[str, int]:
    """Match the addresses of records that have just arrived (those that gave one), with one
    audit event for them all; `about` is what the event points at (the record, or the import
    batch). Call inside the transaction that stores the records: the records and their
    matches are written together or not at all. Returns counts by status."""
    with_address = [r for r in records if record_has_address(r)]
    if not with_address:
        return {}
    index = ready_address_index()
    if index is None:
        # Warming up (decision 0081): the records are kept unmatched, and matched when the
        # index is ready (`addresses_catch_up`) or by the next batch run.
        return {"addresses_waiting": len(with_address)}
    made = [_record_match(record, index) for record in with_address]
    label = f"Addresses of {len(made)} source record{'s' if len(made) != 1 else ''}"
    return _store(actor=actor, made=made, about=about, label=label, purpose=purpose)


def referral_address_match(*, actor: Any, referral: Referral) -> AddressMatch | None:
    """Match the address of a referral being submitted; None when it gives no address, or
    already has its match (submitting is once, but the batch may have got there first)."""
    if referral.status == ReferralStatus.DRAFT:
        raise ValidationError({"referral": "A draft's address is matched when it is sent"})
    if not referral_has_address(referral):
        return None
    if AddressMatch.objects.filter(referral=referral).exists():
        return None
    index = ready_address_index()
    if index is None:
        # Warming up (decision 0081): the referral is sent unmatched, its pages say matching
        # is warming up, and `addresses_catch_up` matches it when the index is ready.
        return None
    match = _referral_match(referral, index)
    stored = _store(
        actor=actor,
        made=[match],
        about=referral,
        label=f"Address of referral {referral.reference}",
        purpose="Address matched on arrival",
    )
    return match if stored else None  # a catch-up matched it first


CATCH_UP_BATCH = 200


def addresses_catch_up(*, actor: Any = None, index: AddressIndex | None = None) -> dict[str, int]:
    """Match what arrived while the index was being built: every submitted referral and
    source record with an address and no match yet, a batch at a time, each batch in its own
    short transaction (never one long write). Run by the build's end, the index job, and
    safe to run again: what is matched is not matched twice. Returns counts by status."""
    index = index or address_index()
    counts: dict[str, int] = {}
    since = timezone.now() - CATCH_UP_WINDOW
    for made in _waiting_batches(index, since):
        label = f"Addresses of {len(made)} arrival{'s' if len(made) != 1 else ''} (catch-up)"
        for key, value in _store(
            actor=actor, made=made, about=None, label=label, purpose="Address matched on arrival"
        ).items():
            counts[key] = counts.get(key, 0) + value
    return counts


def _waiting_batches(index: AddressIndex, since: datetime) -> Iterable[list[AddressMatch]]:
    for _ in range(1_000_000):  # a bound besides running out of waiting rows
        referrals = list(_unmatched_referrals(since)[:CATCH_UP_BATCH])
        records = list(_unmatched_records(since)[:CATCH_UP_BATCH])
        if not referrals and not records:
            return
        yield [_referral_match(r, index) for r in referrals] + [
            _record_match(r, index) for r in records
        ]


def _unmatched_referrals(since: datetime) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(submitted_at__gte=since)
        .exclude(status=ReferralStatus.DRAFT)
        .exclude(address_not_known=True)
        .exclude(address_line1="", address_postcode="")
        .filter(~Exists(AddressMatch.objects.filter(referral=OuterRef("pk"))))
        .order_by("-submitted_at", "pk")
    )


def _unmatched_records(since: datetime) -> QuerySet[SourceRecord]:
    return (
        SourceRecord.objects.filter(created_at__gte=since, address_match__isnull=True)
        .exclude(address_line1="", postcode="")
        .order_by("-created_at", "pk")
    )


def address_matches_refresh(*, actor: Any, index: AddressIndex | None = None) -> dict[str, int]:
    """Match every address string not matched yet: source records' and submitted
    referrals'. Returns counts by status."""
    records = SourceRecord.objects.filter(address_match__isnull=True).exclude(
        address_line1="", postcode=""
    )
    referrals = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .exclude(address_not_known=True)
        .exclude(pk__in=AddressMatch.objects.filter(referral__isnull=False).values("referral_id"))
        .exclude(address_line1="", address_postcode="")
    )
    if not records.exists() and not referrals.exists():
        return {}
    index = index or address_index()
    made = [_record_match(r, index) for r in records.iterator(chunk_size=2000)]
    made += [_referral_match(r, index) for r in referrals.iterator(chunk_size=2000)]
    return _store(actor=actor, made=made, about=None, label="Batch address matching", purpose="")


def _decide(actor: Any, match: AddressMatch, status: str, uprn: str, action: str) -> AddressMatch:
    with transaction.atomic():
        locked = AddressMatch.objects.select_for_update().get(pk=match.pk)
        if locked.status != AddressMatch.Status.PENDING:
            raise ValidationError({"decision": "This address has already been decided"})
        locked.status = status
        locked.uprn = uprn
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action=action, obj=locked, details={"uprn": uprn})
    return locked


def address_match_confirm(*, actor: Any, match: AddressMatch, uprn: Any = None) -> AddressMatch:
    """The reviewer accepts the proposed UPRN, or picks one of the alternatives offered."""
    chosen = match.uprn if uprn in (None, "") else uprn
    offered = {str(a.get("uprn")) for a in match.alternatives} | {match.uprn}
    if not isinstance(chosen, str) or not chosen or chosen not in offered:
        raise ValidationError({"uprn": "Choose one of the addresses offered"})
    return _decide(actor, match, AddressMatch.Status.CONFIRMED, chosen, "address_match.confirm")


def address_match_reject(*, actor: Any, match: AddressMatch) -> AddressMatch:
    """None of the addresses offered is the one meant."""
    return _decide(actor, match, AddressMatch.Status.REJECTED, "", "address_match.reject")
