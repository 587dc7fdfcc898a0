"""What a caseworker did about a prevention list entry. The list never acts by itself: a
referral is made only when a caseworker starts one here, through the referral form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.access.door import visible
from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.prevention.models import PreventionAction, PreventionEntry
from nestguard.referrals import services as referrals
from nestguard.referrals.models import Referral

NOTE_LIMIT = 2000
# An entry is closed by these: no concern (a false positive), or a referral made.
CLOSING = frozenset({PreventionAction.Kind.NO_CONCERN, PreventionAction.Kind.REFERRED})


def _check_entry(actor: User, entry: PreventionEntry) -> None:
    if not visible(actor, PreventionEntry).filter(pk=entry.pk).exists():
        raise PermissionDenied("Only the owning housing agency's caseworkers act on an entry")
    if entry.closed_at is not None:
        raise ValidationError({"__all__": "This entry is closed; nothing more can be recorded"})


def _note(note: str) -> str:
    try:
        text = clean_text(note or "", label="The note")
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from None
    if not text:
        raise ValidationError({"note": "Enter a note saying what you did and found"})
    if len(text) > NOTE_LIMIT:
        raise ValidationError({"note": f"The note must be {NOTE_LIMIT} characters or fewer"})
    return text


def prevention_action_record(
    *,
    actor: User,
    entry: PreventionEntry,
    kind: str,
    note: str,
    referral: Referral | None = None,
) -> PreventionAction:
    """Record a visit, a referral made or no concern; no concern and referred close it."""
    _check_entry(actor, entry)
    if kind not in PreventionAction.Kind.values:
        raise ValidationError({"kind": "Choose what you did: visited, referred or no concern"})
    if (kind == PreventionAction.Kind.REFERRED) != (referral is not None):
        raise ValidationError({"kind": "Make a referral from the entry to record one"})
    text = _note(note)
    with transaction.atomic():
        action = PreventionAction.objects.create(
            entry=entry, kind=kind, note=text, referral=referral, recorded_by=actor
        )
        if kind in CLOSING:
            entry.closed_at = timezone.now()
            entry.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="prevention_action.record",
            obj=entry,
            details={"kind": kind, "referral": referral.reference if referral else None},
        )
    return action


def prevention_referral_start(*, actor: User, entry: PreventionEntry) -> Referral:
    """Start a draft referral with the entry's address filled in, and record it on the
    entry. The caseworker completes and sends it through the referral form as any other."""
    _check_entry(actor, entry)
    address = entry.address
    with transaction.atomic():
        referral = referrals.referral_start(actor=actor)
        referral = referrals.referral_address_update(
            actor=actor,
            referral=referral,
            line1=address.line1,
            line2=address.line2,
            town=address.town,
            postcode=address.postcode,
        )
        prevention_action_record(
            actor=actor,
            entry=entry,
            kind=PreventionAction.Kind.REFERRED,
            note=f"Referral {referral.reference} started from the prevention list",
            referral=referral,
        )
    return referral
