"""Who sees the breach log: the data protection officers of the agency whose breach it is,
and nobody else (decision 0103).

A breach record says what went wrong with whose data: it is itself sensitive, and an agency's
breaches are its own business as controller until it decides to tell someone (a partner whose
data was involved is told, and that telling is recorded as a notice, not by opening the log
to them). Administrators, auditors and other agencies' officers see none of it; the audit
trail records every read.

The record of processing activities reads the partnership's sharing agreements: they
describe organisations, not people, so a data protection officer reads all of them for the
`data_protection` purpose (a scope added to the accounts policy), unaudited as for admins.
Registered with the door from `PrivacyConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.accounts.models import SharingAgreement
from nestguard.privacy.models import Breach, BreachNotice
from nestguard.privacy.rules import keeps_records

PURPOSE = "data_protection"


def visible_breaches(user: Any) -> QuerySet[Breach]:
    if not keeps_records(user):
        return Breach.objects.none()
    return Breach.objects.filter(agency_id=user.agency_id)


def visible_notices(user: Any) -> QuerySet[BreachNotice]:
    if not keeps_records(user):
        return BreachNotice.objects.none()
    return BreachNotice.objects.filter(breach__agency_id=user.agency_id)


def agreements_for_records(user: Any) -> QuerySet[SharingAgreement]:
    if not keeps_records(user):
        return SharingAgreement.objects.none()
    return SharingAgreement.objects.prefetch_related("parties")


def register() -> None:
    door.register(
        door.Policy(
            Breach,
            visible_breaches,
            read_event="breach.view",
            list_event="breach.list",
            related=("agency", "recorded_by", "assessed_by"),
        )
    )
    # Read only inside a breach's page, whose read event covers them.
    door.register(door.Policy(BreachNotice, visible_notices, read_event=None, related=("told_by",)))
    door.add_scope(
        SharingAgreement, PURPOSE, door.Scope(visible=agreements_for_records, read_event=None)
    )
