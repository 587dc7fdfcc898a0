"""The key pages and API lists of issue 13 on a seeded demo borough, each as the demo user
who uses it (decision 0081): what the slow-query guard checks and bench/plans.py profiles.

The records shown are picked the same way every time (the busiest of their kind the user
may see), so that a page shows as much as the borough gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count

from nestguard.access.door import visible
from nestguard.accounts.models import User
from nestguard.cases.models import Case, CaseAddress
from nestguard.panels.models import Meeting
from nestguard.people.models import Person


@dataclass(frozen=True)
class KeyPage:
    name: str
    username: str
    url: Callable[[User], str]
    api: bool = False


def _busiest_case(user: User) -> str:
    case = (
        visible(user, Case)
        .annotate(n=Count("chronology"))
        .order_by("-n", "reference")
        .values_list("pk", flat=True)
        .first()
    )
    return f"/cases/{case}/"


def _busiest_address(user: User) -> str:
    address = (
        CaseAddress.objects.filter(case__in=visible(user, Case))
        .values("address_id")
        .annotate(n=Count("case"))
        .order_by("-n", "address_id")
        .values_list("address_id", flat=True)
        .first()
    )
    return f"/addresses/{address}/"


def _busiest_person(user: User) -> str:
    person = (
        visible(user, Person)
        .annotate(n=Count("case_links"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"/people/{person}/"


def _most_read_person(user: User) -> str:
    """The report of access (rights) for the person on the most cases: its audit trail is
    the longest there is to page through."""
    person = (
        Person.objects.annotate(n=Count("case_links"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"/rights/people/{person}/access/"


def _busiest_meeting(user: User) -> str:
    meeting = (
        visible(user, Meeting)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"/panels/meetings/{meeting}/"


CASEWORKER = "hub.caseworker"
ANALYST = "analyst"
# The twelve months before the borough's "now" (tests/test_query_plans.py seeds at 20 Nov 2026).
REPORT_PERIOD = "?from=2025-11-01&to=2026-10-31"

KEY_PAGES = (
    KeyPage("case list", CASEWORKER, lambda u: "/cases/"),
    KeyPage("case page", CASEWORKER, _busiest_case),
    KeyPage("triage queue", "hub.supervisor", lambda u: "/referrals/triage/"),
    KeyPage("address page", CASEWORKER, _busiest_address),
    KeyPage("person page", CASEWORKER, _busiest_person),
    KeyPage("panel agenda", "panel.chair", _busiest_meeting),
    KeyPage("due and overdue", CASEWORKER, lambda u: "/due/"),
    KeyPage("due and overdue, team", "hub.supervisor", lambda u: "/due/team/"),
    # The partnership dashboard (decision 0093): twelve months of aggregates in one request.
    KeyPage("dashboard", "analyst", lambda u: "/dashboard/"),
    KeyPage("API cases", CASEWORKER, lambda u: "/api/v1/cases/", api=True),
    KeyPage("API referrals", "hub.supervisor", lambda u: "/api/v1/referrals/", api=True),
    KeyPage("partnership report", ANALYST, lambda u: "/reports/partnership/" + REPORT_PERIOD),
    KeyPage(
        "API partnership report",
        ANALYST,
        lambda u: "/api/v1/reports/partnership/" + REPORT_PERIOD,
        api=True,
    ),
    KeyPage("prevention list", "housing.caseworker", lambda u: "/prevention/"),
    KeyPage("report of access", "auditor", _most_read_person),
    KeyPage(
        "API prevention list", "housing.caseworker", lambda u: "/api/v1/prevention-list/", api=True
    ),
)


def key_pages(only: str = "") -> list[tuple[KeyPage, User, str]]:
    pages = []
    for page in KEY_PAGES:
        if only and only not in page.name:
            continue
        user = User.objects.get(username=page.username)
        pages.append((page, user, page.url(user)))
    return pages
