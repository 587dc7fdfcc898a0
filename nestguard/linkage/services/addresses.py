"""Address strings from agencies' records and from referrals, matched to the address
register (UPRN) by the engine's `match_address`, with a confidence. At or above the accept
threshold the match is recorded; between review and accept a reviewer decides; below, the
string is recorded as having no match. The places app's own deterministic resolver is left
as it is: these matches live here, on `AddressMatch`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.linkage.models import AddressMatch, SourceRecord
from nestguard.linkage.thresholds import thresholds
from nestguard.places.models import Address
from nestguard.referrals.models import Referral, ReferralStatus


def register_rows() -> list[dict[str, str]]:
    rows = Address.objects.filter(uprn__isnull=False).values(
        "uprn", "line1", "line2", "town", "postcode"
    )
    return [{k: str(v or "") for k, v in row.items()} for row in rows]


def address_index() -> Any:
    from nestguard.linkage.engine import AddressIndex

    return AddressIndex.build(register_rows())


def referral_address_text(referral: Referral) -> str:
    parts = (
        referral.address_line1,
        referral.address_line2,
        referral.address_town,
        referral.address_postcode,
    )
    return ", ".join(p for p in parts if p)


def _status_for(confidence: float) -> str:
    limits = thresholds()
    if confidence >= limits.address_accept:
        return AddressMatch.Status.MATCHED
    if confidence >= limits.address_review:
        return AddressMatch.Status.PENDING
    return AddressMatch.Status.UNMATCHED


def match_text(text: str, index: Any) -> AddressMatch:
    """An unsaved AddressMatch for `text`: the best candidate and up to four others."""
    from nestguard.linkage.engine import match_address

    found = list(match_address(text, index))[:5]
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


def address_matches_refresh(*, actor: Any, index: Any = None) -> dict[str, int]:
    """Match every address string not matched yet: source records' and submitted
    referrals'. Returns counts by status."""
    records = SourceRecord.objects.filter(address_match__isnull=True).exclude(
        address_line1="", postcode=""
    )
    referrals = (
        Referral.objects.exclude(status=ReferralStatus.DRAFT)
        .exclude(pk__in=AddressMatch.objects.filter(referral__isnull=False).values("referral_id"))
        .exclude(address_line1="", address_postcode="")
    )
    if not records.exists() and not referrals.exists():
        return {}
    index = index or address_index()
    made: list[AddressMatch] = []
    for record in records.iterator(chunk_size=2000):
        match = match_text(record.address_text, index)
        match.agency_id = record.agency_id
        match.source_record = record
        made.append(match)
    for referral in referrals.iterator(chunk_size=2000):
        match = match_text(referral_address_text(referral), index)
        match.agency_id = referral.referrer_agency_id
        match.referral = referral
        made.append(match)
    counts: dict[str, int] = {}
    with transaction.atomic():
        AddressMatch.objects.bulk_create(made, batch_size=1000)
        for match in made:
            counts[f"addresses_{match.status}"] = counts.get(f"addresses_{match.status}", 0) + 1
        audit_record(
            actor=actor,
            action="address_match.record",
            object_type="addressmatch",
            object_label="Batch address matching",
            details=counts,
        )
    return counts


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
