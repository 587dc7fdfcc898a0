"""The services directory of the demo borough (decision 0108), kept by its directory editor
(the persona `links.directory`, at the voluntary sector agency) through the directory's
services, as a partner would: the kinds of service the partnership documents name, under
made-up names (a charity working with young people drawn into gangs and exploitation, a
peer-advocate charity, a young people's programme for ages 18 to 30 with levels of support and
three months' aftercare, a missing people helpline, a modern slavery victim care charity); the
Prevent entry given the council's Prevent lead as its agency (a change that shows in its
history); and one onward referral to the aftercare programme whose follow-up falls due in the
coming days, on the due-and-overdue view of the worker who sent it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nestguard.accounts.models import Role
from nestguard.cases.models import CaseStatus, CaseSubject
from nestguard.core.calendar import add_months
from nestguard.demo.partnership import Partnership
from nestguard.directory.models import FollowUpFrom, Service
from nestguard.directory.services import service_add, service_edit
from nestguard.pathways.services.onward import (
    eligibility_reasons,
    onward_referral_send,
    onward_referral_update,
)

EDITOR = "links.directory"
AFTERCARE = "launchpad_programme"

# fmt: off
SERVICES: tuple[dict[str, Any], ...] = (
    {"code": "turnaround_gangs_exploitation",
     "name": "Turnaround Pathways: gangs and exploitation service",
     "category": "child_exploitation", "provider": "Turnaround Pathways (a national charity)",
     "description": "Caseworkers who meet young people where they are, after an arrest or a "
     "hospital visit, and work with them and their families to leave gangs and exploitation.",
     "how_to_refer": "Referral form to the Northbrook team's secure email; urgent cases by phone "
     "on 01632 960 301.",
     "min_age": 10, "max_age": 25, "consent_required": True,
     "concern_types_any": ["cce", "county_lines", "cse"],
     "eligibility_source": "The charity's service specification (synthetic demo service)",
     "support_levels": ["Reachable moment: contact within 48 hours of an arrest or injury",
                        "One-to-one casework for up to 12 months"]},
    {"code": "lantern_peer_advocates", "name": "Lantern Trust peer advocates",
     "category": "mentoring", "provider": "Lantern Trust",
     "description": "Peer advocates with lived experience of the criminal justice system and "
     "exploitation, for young people and young adults, including on release from custody.",
     "how_to_refer": "Phone the Lantern Trust referral line, 01632 960 302, or email "
     "referrals@lantern.northbrook.example.",
     "min_age": 11, "max_age": 25, "consent_required": True,
     "eligibility_source": "The charity's referral criteria (synthetic demo service)",
     "support_levels": ["Advice and advocacy", "Intensive peer support through the gate"]},
    {"code": AFTERCARE, "name": "Crown Youth Foundation: Launchpad programme",
     "category": "employment", "provider": "Crown Youth Foundation",
     "description": "A programme for young adults out of work or education: confidence, "
     "qualifications and a route into a job, with aftercare once it ends.",
     "how_to_refer": "Online referral to the Launchpad team; the young person is called within "
     "five working days.",
     "min_age": 18, "max_age": 30, "consent_required": True,
     "eligibility_source": "The foundation's programme criteria: ages 18 to 30 (issue 16; "
     "synthetic demo service)",
     "support_levels": ["Explore: a one-day taster and advice",
                        "Achieve: a 12-week group course with a qualification",
                        "Develop: one-to-one mentoring and a development grant"],
     "follow_up_months": 3, "follow_up_from": FollowUpFrom.COMPLETED,
     "follow_up_label": "Aftercare ends: check they are still in work, education or training"},
    {"code": "homeward_line", "name": "Homeward Line: missing people helpline",
     "category": "missing", "provider": "Homeward Line (a national charity)",
     "description": "A free, confidential helpline by phone and text for people who have gone "
     "missing or are thinking of it, and for their families; passes messages home.",
     "how_to_refer": "Give the person the helpline number, 116 000 in the real world (here "
     "01632 960 303); families can ask for a call.",
     "eligibility_source": "Open to anyone (synthetic demo service)",
     "support_levels": ["Helpline and messages home", "Family support worker"]},
    {"code": "harbour_slavery_support", "name": "Harbour Fellowship: modern slavery victim care",
     "category": "victim_support", "provider": "Harbour Fellowship",
     "description": "Safe housing, support workers and legal advice for adults who may be "
     "victims of modern slavery, in the recovery period after an NRM referral.",
     "how_to_refer": "Through the NRM first responder; emergency accommodation on "
     "01632 960 304, day and night.",
     "min_age": 18, "consent_required": True,
     "concern_types_any": ["modern_slavery", "county_lines", "cuckooing"],
     "subject_roles_any": ["victim", "person_at_risk"],
     "eligibility_source": "Adult victims of modern slavery who consent to support (synthetic "
     "demo service, modelled on the victim care contract's criteria)",
     "support_levels": ["Outreach support", "Safe house accommodation"]},
)
# fmt: on


def _editor(partnership: Partnership) -> Any:
    for user in partnership.users.values():
        if Role.DIRECTORY_EDITOR in user.role_codes:
            return user
    raise LookupError("the demo partnership has no directory editor persona")


def _fields(service: Service) -> dict[str, Any]:
    return {field: getattr(service, field) for field in Service.details()}


def _aftercare_referral(launchpad: Service, today: date) -> int:
    """An onward referral of a young adult to the aftercare programme, completed three months
    ago less five days: its follow-up is due in five days."""
    completed_on = add_months(today, -3) + timedelta(days=5)
    sent_on = completed_on - timedelta(days=100)
    subjects = (
        CaseSubject.objects.filter(
            case__status=CaseStatus.OPEN,
            case__lead_worker__isnull=False,
            case__opened_at__date__lte=sent_on - timedelta(days=1),
            person__date_of_birth__isnull=False,
        )
        .select_related("case", "person", "case__lead_worker", "case__lead_agency")
        .order_by("case__reference", "person__family_name")
    )
    for subject in subjects:
        case, person = subject.case, subject.person
        if eligibility_reasons(launchpad, person, case, True, sent_on) or (
            eligibility_reasons(launchpad, person, case, True, today)
        ):
            continue
        worker = case.lead_worker
        referral = onward_referral_send(
            actor=worker, case=case, person=person, service=launchpad.code,
            reason="Out of work since leaving the flat; wants a course and a job.",
            consent_given=True, sent_on=sent_on,
        )  # fmt: skip
        onward_referral_update(actor=worker, referral=referral, status="accepted",
                               on=sent_on + timedelta(days=7),
                               note="Joined the Achieve course")  # fmt: skip
        onward_referral_update(actor=worker, referral=referral, status="completed",
                               on=completed_on,
                               outcome="Finished the course with a qualification; "
                               "starting an apprenticeship")  # fmt: skip
        return 1
    return 0


def seed_directory(*, partnership: Partnership, today: date) -> dict[str, int]:
    editor = _editor(partnership)
    added = 0
    for spec in SERVICES:
        if not Service.objects.filter(code=spec["code"]).exists():
            service_add(editor, **spec)
            added += 1
    # The Prevent lead is the council's (the community safety hub here), not the police's.
    prevent = Service.objects.get(code="prevent_channel")
    council = partnership.agencies["hub"]
    if prevent.provider_agency_id != council.id:
        service_edit(
            editor,
            record=prevent,
            **{
                **_fields(prevent),
                "provider": "Northbrook Council: Prevent lead (community safety)",
                "provider_agency": council,
            },
        )
    launchpad = Service.objects.get(code=AFTERCARE)
    referrals = _aftercare_referral(launchpad, today)
    return {"directory_services": added, "aftercare_referrals": referrals}
