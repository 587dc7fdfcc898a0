"""What a report may be asked for (decision 0089), checked the same way for the pages, the
exports and the API: a period of at least NESTGUARD_REPORT_MIN_DAYS days that ends on or after
it starts, a ward of the register large enough to be shown on its own, an agency that exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.reporting import measures
from nestguard.reporting.registry import ReportRequest

Errors = dict[str, list[str]]


def min_days() -> int:
    return int(getattr(settings, "NESTGUARD_REPORT_MIN_DAYS", 28))


def default_period() -> tuple[date, date]:
    """The twelve months to today: from the first of this month a year ago."""
    today = timezone.localdate()
    return date(today.year - 1, today.month, 1), today


@dataclass(frozen=True)
class Asked:
    """A report's period and filters, as given (dates already parsed)."""

    start: date
    end: date
    ward: str = ""
    agency_id: Any = None

    def request(self, user: Any) -> ReportRequest:
        return ReportRequest(user, self.start, self.end, self.ward, self.agency_id)

    def terms(self) -> dict[str, str]:
        """The period and filters as query parameters (and as the audit event's terms)."""
        terms = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.ward:
            terms["ward"] = self.ward
        if self.agency_id:
            terms["agency"] = str(self.agency_id)
        return terms


def problems(user: Any, asked: Asked) -> Errors:
    """Field errors (by the API's field names: from, to, ward, agency); none when it may run."""
    errors: Errors = {}
    if asked.end < asked.start:
        errors["to"] = ["The end date must be on or after the start date"]
    elif (asked.end - asked.start).days + 1 < min_days():
        errors["to"] = [
            f"The period must be at least {min_days()} days, so that small numbers are not "
            "revealed by comparing short periods"
        ]
    if asked.ward:
        message = ward_problem(user, asked.ward)
        if message:
            errors["ward"] = [message]
    if asked.agency_id and not Agency.objects.filter(pk=asked.agency_id).exists():
        errors["agency"] = ["Choose an agency from the list"]
    return errors


def ward_problem(user: Any, ward: str) -> str:
    """Why a report may not be filtered by `ward`, or "" when it may."""
    sizes = measures.ward_sizes(user)
    if ward not in sizes:
        return "Choose a ward from the list: there is no ward of that name in the register"
    if sizes[ward] < measures.min_ward_addresses():
        return (
            f"{ward} has fewer than {measures.min_ward_addresses():,} register addresses, so a "
            "report on it alone could identify people: choose all wards or a larger ward"
        )
    return ""
