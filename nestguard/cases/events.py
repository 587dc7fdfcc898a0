"""Audit event types of the cases app (see nestguard.audit.events)."""

from nestguard.audit import events
from nestguard.audit.events import register


def _register_once(code: str, description: str) -> None:
    """Types the referrals app also names (it drives cases.services.opening)."""
    try:
        events.get(code)
    except KeyError:
        register(code, description)


_register_once("case.open", "Opened a case")
_register_once("case.add_referral", "Added a referral to a case")
register("case.create", "Opened a case without a referral")
register("case.view", "Viewed a case", reads_personal_data=True)
register("case.list", "Listed cases with the names of the people in them", reads_personal_data=True)
register("case.note_add", "Added a note to a case")
register("chronology.restrict", "Changed the handling restriction of a case note or entry")
register("case.team_add", "Added a user or agency to a case team")
register("case.team_remove", "Removed a user or agency from a case team")
register("case.subject_add", "Named a person in a case")
register("case.lead_change", "Changed the lead of a case")
register("case.status_change", "Changed the status of a case")
register("case.close", "Closed a case")
register("case.reopen", "Reopened a case")
register("intervention.add", "Recorded an intervention")
register("intervention.update", "Updated an intervention")
