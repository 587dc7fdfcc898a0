"""The hub's breach log for the demo borough: four breaches through the privacy services, one
at each stage (reported and closed; assessed unlikely, not reported; reported late with
reasons; just recorded, its ICO clock running), so `/data-protection/breaches/` and the
due-and-overdue view show each state. The hub's data protection officer is the demo
persona with that role if there is one, or a new one (`hub.dpo`, the demo password)."""

from __future__ import annotations

from datetime import datetime, timedelta

from nestguard.accounts.models import Role, User
from nestguard.accounts.services import user_create
from nestguard.demo.partnership import DEMO_PASSWORD, Partnership, totp_secret_for
from nestguard.privacy.services.breaches import (
    breach_assess,
    breach_close,
    breach_notice_record,
    breach_record,
)

USERNAME = "hub.dpo"


def hub_officer(partnership: Partnership) -> User:
    hub = partnership.agencies["hub"]
    for user in partnership.users.values():
        if user.agency_id == hub.id and Role.DATA_PROTECTION_OFFICER in user.role_codes:
            return user
    user = user_create(
        actor=None,
        username=USERNAME,
        agency=hub,
        roles=[Role.DATA_PROTECTION_OFFICER],
        password=DEMO_PASSWORD,
        first_name="Priya",
        last_name="Raman",
        email=f"{USERNAME}@northbrook.example",
        job_title="Data protection officer",
        phone="01632 961099",
        totp_secret=totp_secret_for(USERNAME),
    )
    user._role_codes = frozenset({Role.DATA_PROTECTION_OFFICER})
    partnership.users[USERNAME] = user
    return user


def seed_privacy(*, partnership: Partnership, now: datetime) -> dict[str, int]:
    dpo = hub_officer(partnership)
    closed = breach_record(
        actor=dpo,
        summary="Referral emailed to the wrong school",
        what_happened="A referral was sent to a school with a similar name; the school deleted "
        "it on request the same day.",
        data_involved="A child's name, date of birth and the concern",
        people_affected=1,
        aware_at=now - timedelta(days=40, hours=3),
        occurred_at=now - timedelta(days=40, hours=5),
    )
    breach_assess(
        actor=dpo, breach=closed, risk="high", notify_ico=True, tell_people=True,
        risk_reasons="The concern could reach the family before the plan to protect the child",
    )  # fmt: skip
    breach_notice_record(
        actor=dpo, breach=closed, audience="ico", told_at=now - timedelta(days=39),
        ico_reference="IC-DEMO-0001", note="Online report form",
    )  # fmt: skip
    breach_notice_record(
        actor=dpo, breach=closed, audience="people_affected", told_at=now - timedelta(days=38),
        note="The allocated social worker told the child's carer in person",
    )  # fmt: skip
    breach_close(actor=dpo, breach=closed)

    unlikely = breach_record(
        actor=dpo,
        summary="Encrypted laptop left on a train",
        what_happened="Recovered from lost property the next morning; disk encryption on.",
        data_involved="Case notes held on the laptop",
        aware_at=now - timedelta(days=12),
    )
    breach_assess(
        actor=dpo, breach=unlikely, risk="unlikely", notify_ico=False, tell_people=False,
        risk_reasons="Full-disk encryption; the key was not with the laptop",
        decision_reasons="Unlikely to result in a risk: encrypted, recovered, no sign of access",
    )  # fmt: skip

    late = breach_record(
        actor=dpo,
        summary="Panel minutes shared with a former member",
        what_happened="A distribution list still held a partner who had left the panel.",
        data_involved="Names and concerns of people discussed at the panel",
        people_affected=6,
        aware_at=now - timedelta(days=5),
    )
    breach_assess(
        actor=dpo, breach=late, risk="risk", notify_ico=True, tell_people=False,
        risk_reasons="A professional recipient, who confirmed deletion",
    )  # fmt: skip
    breach_notice_record(
        actor=dpo, breach=late, audience="ico", told_at=now - timedelta(days=1),
        late_reasons="The recipient's confirmation took four days to obtain",
    )  # fmt: skip

    breach_record(
        actor=dpo,
        summary="Address shown to the wrong caller",
        what_happened="A caller was read an address before their identity was checked.",
        data_involved="An adult's address",
        people_affected=1,
        aware_at=now - timedelta(hours=20),
    )
    return {"breaches": 4}
