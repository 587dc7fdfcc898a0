"""Addresses under enforcement in the demo borough, at various stages of the ladder.

Written in bulk like the rest of the history (docs/decisions/0005), but each step's deadlines
come from the same rules and arithmetic the services use (`enforcement.ladder`), so what the
demo shows is what the rules give. The stages, relative to the moment of seeding:

1. a CPW whose time has ended and a CPN issued 16 days ago: its appeal window is open and
   closes this week;
2. a closure notice, a partial closure order 85 days ago about to end, and an extension
   applied for 2 days ago (the order's end replaced, within six months in total);
3. a closure notice served 30 hours ago by a superintendent: its hearing is due this week;
4. a closure notice served 4 days ago with no hearing recorded: overdue (by a day at least,
   Christmas Day disregarded or not);
5. a CPW issued 5 days ago whose time to deal with the matter ends this week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nestguard.cases.models import Case, CaseAddress, CaseStatus, CaseSubject
from nestguard.core.models import format_reference, next_values
from nestguard.enforcement.ladder import ladder, step_deadlines
from nestguard.enforcement.models import EnforcementAction, EnforcementDeadline
from nestguard.enforcement.periods import add_calendar_months

HUB_USER = "hub.caseworker"
POLICE_USER = "police.caseworker"


@dataclass
class _Site:
    case: Case
    address_id: Any
    person_id: Any


def _sites(count: int) -> list[_Site]:
    """Open cuckooing cases at register addresses, each with a named person, one per address."""
    sites: list[_Site] = []
    seen: set[Any] = set()
    links = (
        CaseAddress.objects.filter(
            case__status=CaseStatus.OPEN,
            address__in_register=True,
            address__uprn__isnull=False,
            case__concern_types__icontains='"cuckooing"',
        )
        .select_related("case")
        .order_by("case__reference")
    )
    for link in links.iterator():
        if link.address_id in seen:
            continue
        subject = (
            CaseSubject.objects.filter(case=link.case)
            .order_by("role", "person__family_name")
            .values_list("person_id", flat=True)
            .first()
        )
        if subject is None:
            continue
        seen.add(link.address_id)
        sites.append(_Site(link.case, link.address_id, subject))
        if len(sites) == count:
            break
    return sites


class _Builder:
    def __init__(self, users: dict[str, Any], now: datetime) -> None:
        self.users = users
        self.now = now
        self.actions: list[EnforcementAction] = []
        self.deadlines: list[EnforcementDeadline] = []
        self.version = ladder().version

    def step(
        self,
        site: _Site,
        code: str,
        *,
        ago: timedelta,
        issuer: str,
        by: str,
        parent: EnforcementAction | None = None,
        person: bool = False,
        **fields: Any,
    ) -> EnforcementAction:
        user = self.users[by]
        taken = self.now - ago
        action = EnforcementAction(
            reference="",
            address_id=site.address_id,
            step=code,
            person_id=site.person_id if person else None,
            case=site.case,
            parent=parent,
            taken_at=taken,
            issuer=issuer,
            agency_id=user.agency_id,
            recorded_by=user,
            rules_version=self.version,
            created_at=taken,
            **fields,
        )
        self.actions.append(action)
        rules = ladder().step(code)
        for deadline in step_deadlines(
            rules,
            taken,
            issuer=issuer,
            recorded={"comply_by": fields.get("comply_by"), "ends_at": fields.get("ends_at")},
        ):
            if deadline.due_at is None:
                continue
            self.deadlines.append(
                EnforcementDeadline(
                    action=action,
                    code=deadline.code,
                    label=deadline.label,
                    due_at=deadline.due_at,
                    rule=deadline.rule,
                    source=deadline.source.as_dict(),
                    note=deadline.note[:300],
                    on_passing=deadline.on_passing,
                    created_at=taken,
                )
            )
        return action

    def meet(self, action: EnforcementAction, code: str, by: EnforcementAction) -> None:
        for deadline in self.deadlines:
            if deadline.action is action and deadline.code == code:
                deadline.met_at = by.taken_at
                deadline.met_by = by


def seed_enforcement(*, users: dict[str, Any], now: datetime) -> int:
    """Write the five addresses' steps; returns how many steps were written."""
    sites = _sites(5)
    if len(sites) < 5:
        return 0
    b = _Builder(users, now)
    day = timedelta(days=1)
    conduct = "Allowing the flat to be used for supplying drugs; visitors at all hours"

    cpw = b.step(sites[0], "cpw", ago=40 * day, issuer="local_authority_officer", by=HUB_USER,
                 person=True, conduct=conduct, comply_by=now - 20 * day)  # fmt: skip
    b.step(sites[0], "cpn", ago=16 * day, issuer="local_authority_officer", by=HUB_USER,
           person=True, parent=cpw, conduct=conduct)  # fmt: skip

    made = now - 85 * day
    notice = b.step(sites[1], "closure_notice", ago=85 * day + timedelta(hours=20),
                    issuer="police_superintendent", by=POLICE_USER)  # fmt: skip
    order = b.step(sites[1], "closure_order", ago=85 * day, issuer="police_inspector",
                   by=POLICE_USER, parent=notice, scope="part",
                   part_description="The ground-floor flat and the shared entrance hall",
                   ends_at=made + 88 * day)  # fmt: skip
    b.meet(notice, "hearing_by", order)
    extension = b.step(sites[1], "closure_order_extension", ago=2 * day,
                       issuer="police_superintendent", by=POLICE_USER, parent=order,
                       ends_at=min(add_calendar_months(made + 88 * day, 3),
                                   add_calendar_months(made, 6)) - day)  # fmt: skip
    b.meet(order, "expires", extension)

    b.step(sites[2], "closure_notice", ago=timedelta(hours=30), issuer="police_superintendent",
           by=POLICE_USER)  # fmt: skip
    # Four days, not three: its 48 hours disregard Christmas Day, so a notice served three days
    # before a seeding on 26 or 27 December would fall due at that very moment, not overdue.
    b.step(sites[3], "closure_notice", ago=4 * day, issuer="police_inspector", by=POLICE_USER)
    b.step(sites[4], "cpw", ago=5 * day, issuer="local_authority_officer", by=HUB_USER,
           person=True, conduct=conduct, comply_by=now + 3 * day)  # fmt: skip

    numbers = next_values("enforcement", len(b.actions))
    for action, number in zip(b.actions, numbers, strict=True):
        action.reference = format_reference("ENF", number)
    # Parents first: the rows are in the order they were built, which is the ladder's order.
    for action in b.actions:
        action.save(force_insert=True)
    EnforcementDeadline.objects.bulk_create(b.deadlines)
    return len(b.actions)
