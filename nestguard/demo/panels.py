"""The demo borough's panels: a MACE and a MACEMM chaired by the panel chair persona.

Made through the panel services (a handful of rows, so there is no need for bulk): the
MACEMM met four weeks ago, with attendance, signed agreements, minutes and three actions
(one completed, one overdue, one not yet due); its next meeting, today, carried the two not
done. The MACE meets in a week. Their agendas built themselves from the seeded cases, so the
same children appear on both lists and each chair sees them flagged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nestguard.demo.partnership import Partnership
from nestguard.panels.models import AgendaItem
from nestguard.panels.services import actions, meetings, panels

MACE_MEMBERS = ("police", "csc", "yjs", "school", "health")
MACEMM_MEMBERS = ("police", "csc", "school", "health", "voluntary")


def seed_panels(partnership: Partnership, today: date) -> dict[str, int]:
    users, agencies = partnership.users, partnership.agencies
    chair = users["panel.chair"]
    mace = panels.panel_create(actor=chair, name="Northbrook MACE", meeting_type="mace")
    macemm = panels.panel_create(actor=chair, name="Northbrook MACEMM", meeting_type="macemm")
    for panel, members in ((mace, MACE_MEMBERS), (macemm, MACEMM_MEMBERS)):
        for key in members:
            contact = users.get(f"{key}.supervisor") or users.get(f"{key}.caseworker")
            panels.panel_member_add(actor=chair, panel=panel, agency=agencies[key], contact=contact)

    past = meetings.meeting_schedule(
        actor=None, panel=macemm, meets_on=today - timedelta(days=macemm.cadence_days),
        venue="Northbrook Town Hall, committee room 2",
    )  # fmt: skip
    for username in ("panel.chair", "police.caseworker", "csc.supervisor", "hub.caseworker"):
        attendance = meetings.attendance_record(actor=chair, meeting=past, user=users[username])
        meetings.attendance_sign(actor=users[username], attendance=attendance, agreed=True)
    meetings.attendance_record(
        actor=chair, meeting=past, user=users["housing.caseworker"], status="apologies"
    )
    items = list(AgendaItem.objects.filter(meeting=past).order_by("position")[:2])
    first = items[0] if items else None
    if first is not None:
        meetings.agenda_item_minutes(
            actor=chair,
            item=first,
            discussion="Police shared that the child was found twice in the county-lines hotspot "
            "around the Moss Lane garages. School report falling attendance.",
            decisions="Keep on the MACEMM list; children's social care to lead; request a "
            "return home interview after every episode.",
            risk_before=first.case.risk_band if first.case else "",  # type: ignore[union-attr]
            risk_after="high",
        )
    made: list[Any] = []
    for description, owner, due_days, done_days in (
        ("Complete the return home interview and share the themes with the police",
         "csc.caseworker", 7, None),
        ("Disruption visit to the address linked to the child", "police.caseworker", 14, 10),
        ("Make the National Referral Mechanism referral", "hub.caseworker", 42, None),
    ):  # fmt: skip
        owner_user = users[owner]
        action = actions.action_record(
            actor=chair, meeting=past, item=first, description=description,
            owner_agency=owner_user.agency, owner=owner_user,
            due_on=past.meets_on + timedelta(days=due_days),
        )  # fmt: skip
        if done_days is not None:
            actions.action_update(
                actor=owner_user, action=action, status="completed",
                completed_on=past.meets_on + timedelta(days=done_days),
                note="Visited with housing; the door was answered by the tenant alone.",
            )  # fmt: skip
        made.append(action)
    meetings.meeting_hold(actor=chair, meeting=past)
    # The next meeting, by cadence: today. Its agenda carries the two actions not done.
    # Scheduled by the system (actor None) on the demo's own dates, which may be in the past
    # of the machine's clock when a test seeds a borough "as of" a fixed day.
    meetings.meeting_schedule(actor=None, panel=macemm, meets_on=today, venue=past.venue)
    meetings.meeting_schedule(
        actor=None, panel=mace, meets_on=today + timedelta(days=7),
        venue="Northbrook Police Station, briefing room",
    )  # fmt: skip
    return {"panels": 2, "panel_meetings": 3, "panel_actions": len(made)}
