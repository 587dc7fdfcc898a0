"""Who sees which missing episode, NRM referral, Duty to Notify and onward referral.

Registered with the door from `PathwaysConfig.ready`; read these records only through the door.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import can_work_cases, remembered
from nestguard.cases.access_policy import case_visible
from nestguard.pathways.models import DutyToNotify, MissingEpisode, NrmReferral, OnwardReferral
from nestguard.people.access_policy import person_visible


def visible_missing_episodes(user: Any) -> QuerySet[MissingEpisode]:
    """Episodes on a case the user sees, of a person the user sees, or recorded by their agency.
    Built once a request that writes nothing and cloned for each caller, as `visible_cases`
    (decision 0121): the due view asks twice (decision 0136)."""
    if not can_work_cases(user):
        return MissingEpisode.objects.none()
    return remembered(
        ("pathways.visible_missing_episodes", user.pk),
        lambda: MissingEpisode.objects.filter(
            Q(case_visible(user)) | Q(person_visible(user)) | Q(recording_agency_id=user.agency_id)
        ),
    ).all()


def visible_nrm_referrals(user: Any) -> QuerySet[NrmReferral]:
    """NRM referrals the user's agency made, or on a case the user sees (built once a request,
    as the episodes are: the due view asks twice)."""
    if not can_work_cases(user):
        return NrmReferral.objects.none()
    return remembered(
        ("pathways.visible_nrm_referrals", user.pk),
        lambda: NrmReferral.objects.filter(
            Q(referring_agency_id=user.agency_id) | Q(case_visible(user))
        ),
    ).all()


def visible_duty_to_notify(user: Any) -> QuerySet[DutyToNotify]:
    """Anonymous as they are, these are kept to the agency that made them."""
    if not can_work_cases(user):
        return DutyToNotify.objects.none()
    return DutyToNotify.objects.filter(agency_id=user.agency_id)


def visible_onward_referrals(user: Any) -> QuerySet[OnwardReferral]:
    if not can_work_cases(user):
        return OnwardReferral.objects.none()
    return OnwardReferral.objects.filter(case_visible(user))


def panel_missing_episodes(scope: door.PanelScope) -> QuerySet[MissingEpisode]:
    """The episodes of the people a panel may draw on (whichever case, if any, they are on)."""
    return MissingEpisode.objects.filter(person_id__in=scope.person_ids)


def register() -> None:
    for model, visible, name, related in (
        (
            MissingEpisode,
            visible_missing_episodes,
            "missing_episode",
            ("person", "case", "recorded_by", "recording_agency"),
        ),
        (
            NrmReferral,
            visible_nrm_referrals,
            "nrm_referral",
            ("person", "case", "referring_agency", "referred_by"),
        ),
        (
            OnwardReferral,
            visible_onward_referrals,
            "onward_referral",
            ("case", "person", "sent_by"),
        ),
    ):
        door.register(
            door.Policy(
                model,
                visible,
                read_event=f"{name}.view",
                list_event=f"{name}.list",
                related=related,
                for_panel=panel_missing_episodes if model is MissingEpisode else None,
            )
        )
    # Anonymous statistical returns: no personal data to audit a read of.
    door.register(door.Policy(DutyToNotify, visible_duty_to_notify, read_event=None))
