"""Reads of the enforcement record. Every query starts from `visible_actions(user)`.

See `nestguard.enforcement.rules` for who sees what. An address's enforcement page is open to
an enforcement officer for any address in the register (the register is not secret, and they
must be able to start a ladder there), and to anyone who sees a step, a case or a referral
there; to anyone else it answers 404, as a missing address does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nestguard.cases.access_policy import case_visible, visible_cases
from nestguard.cases.models import CaseAddress, CaseSubject, ChronologyEntry, Intervention
from nestguard.core.queries import one_of
from nestguard.enforcement.access_policy import visible_actions
from nestguard.enforcement.ladder import Step, ladder
from nestguard.enforcement.models import EnforcementAction, EnforcementDeadline
from nestguard.people.access_policy import person_visible
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.referrals.access_policy import visible_referrals
from nestguard.referrals.models import ReferralSubject

DUE_WINDOW = timedelta(days=7)


def actions_at(user: Any, address: Address) -> list[EnforcementAction]:
    """The steps at an address the user may see, oldest first, each with its deadlines."""
    return list(
        visible_actions(user)
        .filter(address=address)
        .select_related("address", "person", "case", "agency", "recorded_by", "parent")
        .prefetch_related(
            Prefetch("deadlines", queryset=EnforcementDeadline.objects.order_by("due_at"))
        )
        .order_by("taken_at", "created_at")
    )


def get_action(user: Any, pk: Any) -> EnforcementAction:
    action = visible_actions(user).select_related("address", "person").filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


# ---------------------------------------------------------------------------------------------
# What may come next


@dataclass(frozen=True)
class NextStep:
    step: Step
    parent: EnforcementAction | None = None

    @property
    def label(self) -> str:
        if self.parent is None:
            return self.step.label
        return f"{self.step.label} (after {self.parent.reference})"


def order_state(
    order: EnforcementAction, children: list[EnforcementAction]
) -> tuple[datetime | None, bool]:
    """(current end, discharged) of a closure order given its later steps."""
    ends = [order.ends_at] + [c.ends_at for c in children if c.step == "closure_order_extension"]
    current = max((e for e in ends if e is not None), default=None)
    discharged = any(c.step == "closure_order_discharge" for c in children)
    return current, discharged


def _consuming(code: str, options: tuple[str, ...]) -> list[str]:
    from nestguard.enforcement.services import consuming_steps

    return consuming_steps(code, options)


def next_steps(actions: list[EnforcementAction], now: datetime | None = None) -> list[NextStep]:
    """What the rules allow next at this address, given the steps so far."""
    now = now or timezone.now()
    rules = ladder()
    today = timezone.localdate(now)
    children: dict[Any, list[EnforcementAction]] = {}
    for action in actions:
        if action.parent_id:
            children.setdefault(action.parent_id, []).append(action)
    offered = [
        NextStep(rules.step(c)) for c in rules.starting_steps if rules.step(c).in_force_on(today)
    ]
    for action in actions:
        step = rules.steps.get(action.step)
        if step is None:
            continue
        followers = children.get(action.pk, [])
        for code in step.next:
            follow = rules.step(code)
            if not follow.in_force_on(today):
                continue
            if action.step == "closure_order":
                current, discharged = order_state(action, followers)
                if discharged or current is None or current <= now:
                    continue
            elif any(f.step in _consuming(code, step.next) for f in followers):
                continue  # this warning, notice or adjournment has been followed already
            if follow.parent_issuers and action.issuer not in follow.parent_issuers:
                continue  # a 48-hour notice is not extended
            if follow.before_parent_deadline and any(
                d.code == follow.before_parent_deadline and d.due_at <= now
                for d in action.deadlines.all()
            ):
                continue
            offered.append(NextStep(follow, action))
    return offered


# ---------------------------------------------------------------------------------------------
# Deadlines across the partnership


@dataclass
class DeadlineRows:
    overdue: list[EnforcementDeadline] = field(default_factory=list)
    due: list[EnforcementDeadline] = field(default_factory=list)


def open_deadlines(user: Any) -> QuerySet[EnforcementDeadline]:
    return EnforcementDeadline.objects.filter(
        one_of(visible_actions(user), "action"), met_at__isnull=True
    ).select_related("action", "action__address", "action__agency")


def deadlines_due(
    user: Any, now: datetime | None = None, window: timedelta = DUE_WINDOW
) -> DeadlineRows:
    """Overdue (passed, not met, of a kind that must be met) and due within the window."""
    now = now or timezone.now()
    # One read of both (the door's condition built and compiled once, decision 0136), split
    # at `now`: what passed is only there if it must be met.
    rows = list(
        open_deadlines(user)
        .filter(
            Q(on_passing="overdue", due_at__lt=now) | Q(due_at__gte=now, due_at__lte=now + window)
        )
        .order_by("due_at")
    )
    return DeadlineRows(
        overdue=[d for d in rows if d.due_at < now], due=[d for d in rows if d.due_at >= now]
    )


# ---------------------------------------------------------------------------------------------
# People a step may name


def person_choices(user: Any, address: Address) -> list[Person]:
    """People the user sees linked to this address: on its cases and referrals, or named on
    its enforcement steps."""
    case_ids = CaseAddress.objects.filter(case_visible(user), address=address).values("case_id")
    on_cases = CaseSubject.objects.filter(case_id__in=case_ids).values("person_id")
    on_referrals = ReferralSubject.objects.filter(
        referral__in=visible_referrals(user).filter(address=address).values("pk"),
        person__isnull=False,
    ).values("person_id")
    on_steps = (
        visible_actions(user).filter(address=address, person__isnull=False).values("person_id")
    )
    return list(
        Person.objects.alias(visible=person_visible(user, "pk"))
        .filter(
            Q(pk__in=on_cases, visible=True)
            | Q(pk__in=on_referrals, visible=True)
            | Q(pk__in=on_steps)
        )
        .order_by("family_name", "given_name", "pk")
    )


def person_allowed(user: Any, address: Address, person: Person) -> bool:
    return any(p.pk == person.pk for p in person_choices(user, address))


def case_choices(user: Any, address: Address) -> list[Any]:
    """Cases the user sees at this address (a step may be linked to one)."""
    ids = CaseAddress.objects.filter(address=address).values("case_id")
    return list(visible_cases(user).filter(pk__in=ids).order_by("-opened_at"))


# ---------------------------------------------------------------------------------------------
# The court chronology


@dataclass(frozen=True)
class ChronologyItem:
    at: datetime
    kind: str
    reference: str
    text: str


def court_chronology(user: Any, address: Address) -> list[ChronologyItem]:
    """The property's evidence timeline for a closure application: referrals, cases, steps,
    case notes and interventions at the address, as far as the user may see them."""
    items: list[ChronologyItem] = []
    rules = ladder()
    for referral in (
        visible_referrals(user).filter(address=address).select_related("referrer_agency")
    ):
        when = referral.submitted_at or referral.created_at
        items.append(
            ChronologyItem(
                when,
                "Referral",
                referral.reference,
                f"Referral from {referral.referrer_agency}: {referral.signs_text}".strip(),
            )
        )
    links = list(
        CaseAddress.objects.filter(case_visible(user), address=address).select_related(
            "case", "case__lead_agency"
        )
    )
    case_ids = [link.case_id for link in links]
    for link in links:
        items.append(
            ChronologyItem(
                link.case.opened_at,
                "Case opened",
                link.case.reference,
                f"Case opened, led by {link.case.lead_agency}",
            )
        )
    entries = ChronologyEntry.objects.filter(case_id__in=case_ids).restricted_for(user)
    for entry in entries.select_related("case"):
        items.append(
            ChronologyItem(entry.occurred_at, "Case record", entry.case.reference, entry.text)
        )
    for intervention in Intervention.objects.filter(case_id__in=case_ids).select_related(
        "case", "owner_agency"
    ):
        from nestguard.cases.models import intervention_types

        start = datetime.combine(
            intervention.starts_on, datetime.min.time(), tzinfo=timezone.get_current_timezone()
        )
        items.append(
            ChronologyItem(
                start,
                "Intervention",
                intervention.case.reference,
                f"{intervention_types().label(intervention.type)} by {intervention.owner_agency} "
                f"({intervention.get_status_display().lower()})",
            )
        )
    for action in actions_at(user, address):
        step = rules.steps.get(action.step)
        label = step.label if step else action.step
        citation = step.source.citation if step else ""
        detail = f"{label} ({citation}) by {action.agency}"
        if action.person_id:
            detail += f", to {action.person}"
        if action.conduct:
            detail += f". Conduct: {action.conduct}"
        if action.scope == "part":
            detail += f". Part of the premises: {action.part_description}"
        items.append(ChronologyItem(action.taken_at, "Enforcement", action.reference, detail))
    return sorted(items, key=lambda item: item.at)
