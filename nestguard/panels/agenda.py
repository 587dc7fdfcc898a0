"""The agenda sources this app provides (see nestguard.core.agenda):

- `new_high_risk_cases`: open or monitored cases assessed in a high band within the window;
- `cases_due_for_review`: open or monitored cases whose review falls due within the window;
- `overdue_actions`: open panel actions past their due date.

Each reads its parameters from the meeting type's agenda rule (panels/data/meeting_types.json)
and refuses a parameter of the wrong shape with ValueError, which the agenda build turns
into a note on the agenda. Each selects only within the asking panel's `scope` (the cases
and people its member agencies may see), starting from what the door lets a panel draw on
(`door.for_panel`, decision 0070). `overdue_actions` registers with
`panel_context=True`, so it is told which panel is asking and can leave out that panel's own
actions (they are carried).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nestguard.access import door
from nestguard.cases.models import Case, CaseStatus
from nestguard.core.agenda import AgendaCandidate, AgendaScope, register_agenda_source
from nestguard.panels.models import OPEN_ACTION_STATUSES, Action
from nestguard.people.models import Person
from nestguard.risk.models import RiskAssessment

ACTIVE = (CaseStatus.OPEN, CaseStatus.MONITORING)
MAX_WINDOW_DAYS = 366
SCOPES = ("this_panel", "other_panels", "all_panels")


def _days(params: Mapping[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WINDOW_DAYS:
        raise ValueError(f"{key} must be a whole number of days from 0 to {MAX_WINDOW_DAYS}")
    return value


def _codes(params: Mapping[str, Any], key: str, default: list[str] | None = None) -> list[str]:
    value = params.get(key, default or [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of codes")
    return value


def _concern_filter(concerns: list[str]) -> Q:
    """JSON containment is not on SQLite; the codes are short and quoted, so match the text
    (as the case list does)."""
    condition = Q()
    for code in concerns:
        condition |= Q(concern_types__icontains=f'"{code}"')
    return condition


def _names(scope: AgendaScope, case_ids: list[Any]) -> dict[Any, str]:
    """Up to three names for each of the cases (already drawn from the scope).

    Two reads through the door: the cases' subject links, then those people. Not one query
    joining people to the links under the scope's person filter: without statistics (as when
    the demo seeds its panels) SQLite drove that join from every person in the scope and probed
    each against every case asked for, so its cost grew with scope x cases (25 minutes at
    `--scale 160`; decision 0094)."""
    links = list(
        door.for_panel(scope, Case)
        .filter(pk__in=case_ids, subjects__isnull=False)
        .values_list("pk", "subjects__person_id")
    )
    people = door.for_panel(scope, Person).filter(pk__in={p for _, p in links}).in_bulk()
    names: dict[Any, list[Person]] = {}
    for case_id, person_id in links:
        if person_id in people:
            names.setdefault(case_id, []).append(people[person_id])
    shown = {}
    for case_id, subjects in names.items():
        subjects.sort(key=lambda p: (p.family_name, p.given_name, str(p.pk)))
        labels = list(dict.fromkeys(p.display_name for p in subjects))
        shown[case_id] = ", ".join(labels[:3])
    return shown


def _case_title(case: Case, names: dict[Any, str]) -> str:
    who = names.get(case.pk)
    return f"{case.reference}: {who}" if who else case.reference


def new_high_risk_cases(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    within = _days(params, "within_days", 28)
    bands = _codes(params, "bands", ["high"])
    concerns = _codes(params, "concern_types")
    since = as_of - timedelta(days=within)
    assessments = (
        door.for_panel(scope, RiskAssessment)
        .filter(
            band__in=bands,
            assessed_at__date__gte=since,
            assessed_at__date__lte=as_of,
            case__status__in=ACTIVE,
            case__risk_band__in=bands,
        )
        .select_related("case")
        .order_by("case_id", "-assessed_at")
    )
    if concerns:
        assessments = assessments.filter(
            case__in=door.for_panel(scope, Case).filter(_concern_filter(concerns)).values("pk")
        )
    latest: dict[Any, RiskAssessment] = {}
    for assessment in assessments:
        latest.setdefault(assessment.case_id, assessment)
    names = _names(scope, list(latest))
    for assessment in sorted(latest.values(), key=lambda a: a.assessed_at):
        case = assessment.case
        yield AgendaCandidate(
            source="new_high_risk_cases",
            title=_case_title(case, names),
            reason=(
                f"Assessed {assessment.band} risk (score {assessment.overall_score}) on "
                f"{timezone.localdate(assessment.assessed_at):%-d %B %Y}"
            ),
            case_id=case.pk,
            key=f"case:{case.pk}",
        )


def cases_due_for_review(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope
) -> Iterator[AgendaCandidate]:
    within = _days(params, "within_days", 14)
    concerns = _codes(params, "concern_types")
    cases = list(
        door.for_panel(scope, Case)
        .filter(
            status__in=ACTIVE,
            next_review_on__isnull=False,
            next_review_on__lte=as_of + timedelta(days=within),
        )
        .filter(_concern_filter(concerns))
        .order_by("next_review_on", "reference")
    )
    names = _names(scope, [c.pk for c in cases])
    for case in cases:
        due = case.next_review_on
        assert due is not None
        when = (
            f"Review overdue since {due:%-d %B %Y}"
            if due < as_of
            else f"Review due {due:%-d %B %Y}"
        )
        yield AgendaCandidate(
            source="cases_due_for_review",
            title=_case_title(case, names),
            reason=when,
            case_id=case.pk,
            key=f"case:{case.pk}",
        )


def overdue_actions(
    *, as_of: date, params: Mapping[str, Any], scope: AgendaScope, panel_id: Any = None
) -> Iterator[AgendaCandidate]:
    which = params.get("scope", "all_panels")  # which panels' actions (not the AgendaScope)
    if which not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    panel_id = str(panel_id or "")
    if which == "this_panel" and not panel_id:
        raise ValueError("scope this_panel needs the panel")
    # The door keeps to actions whose item names no case or person outside the scope.
    actions = door.for_panel(scope, Action).filter(
        status__in=OPEN_ACTION_STATUSES, due_on__lt=as_of
    )
    if which == "this_panel":
        actions = actions.filter(panel_id=panel_id)
    elif which == "other_panels" and panel_id:
        actions = actions.exclude(panel_id=panel_id)
    for action in actions.select_related("panel", "owner_agency", "owner", "item").order_by(
        "due_on", "reference"
    ):
        owner = f"{action.owner} ({action.owner_agency})" if action.owner else action.owner_agency
        item = action.item
        yield AgendaCandidate(
            source="overdue_actions",
            title=f"Overdue action {action.reference} of {action.panel}: {action.description}"[
                :300
            ],
            reason=f"Due {action.due_on:%-d %B %Y}, owned by {owner}, not completed",
            case_id=item.case_id if item else None,
            person_id=item.person_id if item else None,
            address_id=item.address_id if item else None,
            key=f"action:{action.pk}",
        )


register_agenda_source("new_high_risk_cases", "New high-risk cases", new_high_risk_cases)
register_agenda_source("cases_due_for_review", "Cases due for review", cases_due_for_review)
register_agenda_source("overdue_actions", "Overdue actions", overdue_actions, panel_context=True)
