"""Who may do what in the pathways. Services check these and raise PermissionDenied; pages use
them to offer only what a user may do.

- Missing episodes: caseworkers and supervisors record them for a person they can see (a
  person on a case or triage referral they see) and record returns and interviews for episodes
  they see.
- NRM referrals: only users of a first responder organisation (`Agency.is_first_responder`),
  and only caseworkers and supervisors there; its decisions are recorded by the referring
  agency, which follows the referral.
- Duty to Notify: caseworkers and supervisors of a first responder organisation.
- Onward referrals: whoever may contribute to the case (cases.rules).
"""

from __future__ import annotations

from typing import Any

from nestguard.access.selectors import can_work_cases
from nestguard.cases.models import Case
from nestguard.cases.rules import can_contribute_to_case
from nestguard.pathways.models import MissingEpisode, NrmReferral
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person

NOT_FIRST_RESPONDER = (
    "Only a first responder organisation can make an NRM referral: ask one (the police or the "
    "council) to make it with you"
)


def is_first_responder(user: Any) -> bool:
    agency = getattr(user, "agency", None)
    return bool(can_work_cases(user) and agency is not None and agency.is_first_responder)


def can_record_missing(user: Any, person: Person) -> bool:
    return can_work_cases(user) and visible_people(user).filter(pk=person.pk).exists()


def can_update_episode(user: Any, episode: MissingEpisode) -> bool:
    """Record the return or the interview: whoever may record for the person, or a caseworker
    or supervisor of the agency that recorded the episode."""
    if not can_work_cases(user):
        return False
    return episode.recording_agency_id == user.agency_id or can_record_missing(user, episode.person)


def can_refer_to_nrm(user: Any) -> bool:
    return is_first_responder(user)


def can_update_nrm(user: Any, referral: NrmReferral) -> bool:
    return is_first_responder(user) and referral.referring_agency_id == user.agency_id


def can_send_onward(user: Any, case: Case) -> bool:
    return can_contribute_to_case(user, case)
