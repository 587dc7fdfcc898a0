"""Who sees which public report (decision 0100).

Only the triage team of the hub: caseworkers and supervisors of an active hub agency (the
agency whose triage queue receives every referral). Nobody else, and not the reporter: their
reference opens nothing. The reporter's contact details are part of the report, so they too
are seen by the hub's triage team only, and every full read is audited (`public_report.view`).
The repeat-address rule counts the report at its address through `places.AddressReport`, whose
summary names the signs and the reference, never the reporter.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.access.rules import TRIAGE_ROLES
from nestguard.public.models import PublicReport


def triage_public_reports(user: Any) -> QuerySet[PublicReport]:
    if (
        not user
        or not user.is_authenticated
        or not user.has_role(*TRIAGE_ROLES)
        or user.agency is None
        or not user.agency.is_hub
        or not user.agency.active
    ):
        return PublicReport.objects.none()
    return PublicReport.objects.all()


def register() -> None:
    door.register(
        door.Policy(
            PublicReport,
            visible=triage_public_reports,
            read_event="public_report.view",
            list_event="public_report.list",
            related=("address", "decided_by"),
        )
    )
