"""Missing episodes (with return interviews), NRM referrals and onward referrals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from nestguard.access import door
from nestguard.pathways.models import MissingEpisode, NrmReferral, OnwardReferral
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _missing(user: Any, subject: Subject) -> Iterator[Found]:
    episodes = (
        door.visible(user, MissingEpisode, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("recording_agency")
        .order_by("started_at", "pk")
    )
    for episode in episodes:
        fields = fields_of(
            episode,
            [
                ("Started", "started_at"),
                ("Reported", "reported_at"),
                ("Risk grade", "risk_grade"),
                ("Circumstances", "circumstances"),
                ("Returned", "returned_at"),
                ("Where found", "found_location"),
                ("Harm while missing", "harm_details"),
            ],
        )
        try:
            interview = episode.return_interview
        except ObjectDoesNotExist:
            interview = None
        if interview is not None:
            fields += fields_of(
                interview,
                [
                    ("Return interview outcome", "outcome"),
                    ("Return interview held", "completed_at"),
                    ("Where they were", "where_they_were"),
                    ("Who with", "who_with"),
                    ("Signs of exploitation", "exploitation_signs"),
                ],
            )
        yield Found(
            object_type="missingepisode",
            object_id=str(episode.pk),
            title=f"Missing episode {episode.reference}",
            held_by=str(episode.recording_agency),
            fields=fields,
        )


def _nrm(user: Any, subject: Subject) -> Iterator[Found]:
    referrals = (
        door.visible(user, NrmReferral, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("referring_agency")
        .order_by("referred_on", "pk")
    )
    for referral in referrals:
        yield Found(
            object_type="nrmreferral",
            object_id=str(referral.pk),
            title=f"National Referral Mechanism referral {referral.reference}",
            held_by=str(referral.referring_agency),
            fields=fields_of(
                referral,
                [
                    ("Referred", "referred_on"),
                    ("Exploitation types", "exploitation_types"),
                    ("Summary", "summary"),
                    ("Stage", "stage"),
                    ("Reasonable grounds decision", "rg_decided_on"),
                    ("Conclusive grounds decision", "cg_decided_on"),
                ],
            ),
        )


def _onward(user: Any, subject: Subject) -> Iterator[Found]:
    referrals = (
        door.visible(user, OnwardReferral, purpose=PURPOSE)
        .filter(person_id__in=subject.person_ids)
        .select_related("sent_by_agency")
        .order_by("sent_on", "pk")
    )
    for referral in referrals:
        yield Found(
            object_type="onwardreferral",
            object_id=str(referral.pk),
            title=f"Onward referral {referral.reference}",
            held_by=str(referral.sent_by_agency),
            fields=fields_of(
                referral,
                [
                    ("Service", "service"),
                    ("Reason", "reason"),
                    ("Consent given", "consent_given"),
                    ("Sent", "sent_on"),
                    ("Status", "status"),
                    ("Response", "response_note"),
                    ("Outcome", "outcome"),
                ],
            ),
        )


register_source("missing", "Missing episodes", _missing, models=[MissingEpisode])
register_source("nrm", "NRM referrals", _nrm, models=[NrmReferral])
register_source("onward", "Onward referrals", _onward, models=[OnwardReferral])
