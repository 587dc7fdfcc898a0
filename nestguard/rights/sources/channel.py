"""Prevent referrals and the consent recorded for Channel support (decision 0109). Found like
every other record; whether any of it is withheld (national security, crime prevention) is the
data protection officer's decision at redaction, with the exemption cited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.channel.models import ConsentRecord, PreventReferral
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _prevent(user: Any, subject: Subject) -> Iterator[Found]:
    referrals = (
        door.visible(user, PreventReferral, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("lead_agency")
        .order_by("referred_at", "pk")
    )
    for referral in referrals:
        consents = door.visible(user, ConsentRecord, purpose=PURPOSE).filter(
            prevent_referral=referral
        )
        fields = fields_of(
            referral,
            [
                ("Referred", "referred_at"),
                ("Kind of concern", "ideology"),
                ("Concern", "concern"),
                ("Stage", "stage"),
                ("Gateway assessment", "gateway_outcome"),
                ("Gateway notes", "gateway_note"),
                ("Channel panel", "panel_on"),
                ("Panel outcome", "panel_outcome"),
                ("Referred to", "referred_to"),
                ("Panel notes", "panel_note"),
                ("Support started", "support_started_on"),
                ("Support ended", "support_ended_on"),
            ],
        )
        for consent in consents.order_by("number"):
            fields += fields_of(
                consent, [("Consent", "state"), ("Answered by", "given_by"), ("On", "on")]
            )
        yield Found(
            object_type="preventreferral",
            object_id=str(referral.pk),
            title=f"Prevent referral {referral.reference}",
            held_by=str(referral.lead_agency),
            fields=fields,
        )


register_source("prevent", "Prevent referrals", _prevent, models=[PreventReferral, ConsentRecord])
