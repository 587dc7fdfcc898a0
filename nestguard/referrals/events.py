"""Audit event types of the referrals app (see nestguard.audit.events)."""

from nestguard.audit import events
from nestguard.audit.events import register

register("referral.start", "Started a referral")
register("referral.update", "Changed a section of a draft referral")
register("referral.submit", "Submitted a referral for triage")
register("referral.triage", "Made a triage decision on a referral")
register("referral.view", "Viewed a referral in full", reads_personal_data=True)
register(
    "referral.status_view", "Viewed the status of a referral they made", reads_personal_data=True
)


def _register_once(code: str, description: str, *, reads_personal_data: bool = False) -> None:
    """Types written by services this app drives in other apps (people.services,
    places.services, cases.services.opening). Registered here unless the owning app already
    registered them, so both can name them without a clash."""
    try:
        events.get(code)
    except KeyError:
        register(code, description, reads_personal_data=reads_personal_data)


_register_once("case.open", "Opened a case")
_register_once("case.add_referral", "Added a referral to a case")
_register_once("person.create", "Recorded a person")
_register_once("address.record", "Recorded an address not in the register")
