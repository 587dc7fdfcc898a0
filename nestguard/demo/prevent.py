"""Prevent and Channel in the demo borough (decision 0109): the council's Prevent and Channel
team (a team of the hub, the council's community safety service) is the Prevent lead, with
its coordinator `prevent.lead`; seven open cases gain the radicalisation concern and their
lead agencies make Prevent referrals, which the team takes through the gateway and the
Channel panel to each outcome: adopted with a parent's consent and support under way,
adopted and waiting for consent, adopted with consent refused, not adopted, referred to
another service, no further action at the gateway, and one waiting for the gateway.

Steps are dated today by the real clock: a step cannot be dated before its referral, which
is made now. Synthetic: made-up people from the seeded cases."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from nestguard.accounts.models import Team
from nestguard.cases.models import Case, CaseStatus
from nestguard.channel.services.prevent import (
    consent_record,
    gateway_record,
    panel_record,
    prevent_lead_name,
    prevent_referral_make,
    support_start,
)
from nestguard.demo.partnership import Partnership

LEAD = "prevent.lead"
# (kind of concern, what was seen, what became of it)
STORIES: tuple[tuple[str, str, str], ...] = (
    ("extreme_right_wing", "Drew swastikas on his planner and shared a far-right video in the "
     "class group chat, saying the people in it 'had the right idea'.", "supported"),
    ("incel", "Talks about women as the enemy; his phone shows hours on incel forums and a "
     "post praising a mass killer.", "awaiting_consent"),
    ("extreme_right_wing", "Told a youth worker he is 'getting ready for the race war' and "
     "asked where to buy a crossbow.", "refused"),
    ("islamist", "Family worried by sudden withdrawal and new online contacts; the material "
     "seen was religious but not extremist.", "not_adopted"),
    ("school_massacre", "Keeps drawings of a school shooting and named the perpetrators as "
     "heroes; no ideology expressed.", "referred_elsewhere"),
    ("mixed_unclear", "Shares a mix of conspiracy videos and violent memes; no clear ideology.",
     "no_further_action"),
    ("extreme_right_wing", "Reported by a neighbour for stickers of a proscribed group on "
     "his door.", "received"),
)  # fmt: skip
SIGNS = {
    "extreme_right_wing": ["extremist_material", "symbols_graffiti", "us_and_them"],
    "incel": ["misogynist_incel_language", "extremist_material", "withdrawn_changed"],
    "islamist": ["new_group_or_contacts", "withdrawn_changed"],
    "school_massacre": ["school_massacre_interest"],
    "mixed_unclear": ["extremist_material", "grievance_belonging"],
}


def _cases(partnership: Partnership, count: int) -> list[Case]:
    agencies = [partnership.agencies["hub"], partnership.agencies["csc"]]
    return list(
        Case.objects.filter(lead_agency__in=agencies, lead_worker__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("reference")[:count]
    )


def _take(lead: Any, record: Any, outcome: str) -> None:
    today = timezone.localdate()
    if outcome == "received":
        return
    if outcome == "no_further_action":
        gateway_record(lead, record=record, outcome="no_further_action", on=today)
        return
    gateway_record(
        lead,
        record=record,
        outcome="to_panel",
        on=today,
        note="Police counter-terrorism gateway: suitable for Channel.",
    )
    if outcome == "not_adopted":
        panel_record(
            lead,
            record=record,
            outcome="not_adopted",
            on=today,
            note="Vulnerability but no susceptibility to radicalisation.",
        )
        return
    if outcome == "referred_elsewhere":
        panel_record(
            lead,
            record=record,
            outcome="referred_elsewhere",
            on=today,
            referred_to="Northbrook child and adolescent mental health service",
        )
        return
    panel_record(lead, record=record, outcome="adopted", on=today)
    giver = "parent_guardian" if record.is_child else "person"
    name = "Parent (name on the case)" if record.is_child else ""
    consent_record(lead, record=record, state="sought", given_by=giver, giver_name=name, on=today)
    if outcome == "refused":
        consent_record(
            lead,
            record=record,
            state="refused",
            given_by=giver,
            giver_name=name,
            on=today,
            note="Does not want support; reassess in three months.",
        )
    elif outcome == "supported":
        consent_record(
            lead, record=record, state="given", given_by=giver, giver_name=name, on=today
        )
        support_start(lead, record=record, on=today)


def seed_prevent(*, partnership: Partnership) -> dict[str, int]:
    hub = partnership.agencies["hub"]
    lead = partnership.users[LEAD]
    team = Team.objects.create(agency=hub, name="Prevent and Channel team")
    team.members.add(lead)
    prevent_lead_name(partnership.users["admin"], agency=hub, team=team)
    made = 0
    for case, (ideology, seen, outcome) in zip(
        _cases(partnership, len(STORIES)), STORIES, strict=False
    ):
        subject = case.subjects.select_related("person").order_by("person__family_name").first()
        if subject is None or case.lead_worker is None:
            continue
        Case.objects.filter(pk=case.pk).update(
            concern_types=[*case.concern_types, "radicalisation"]
        )
        case.refresh_from_db()
        record = prevent_referral_make(
            case.lead_worker,
            person=subject.person,
            case=case,
            ideology=ideology,
            concern=seen,
            signs=SIGNS.get(ideology, []),
        )
        _take(lead, record, outcome)
        made += 1
    return {"prevent_referrals": made}
