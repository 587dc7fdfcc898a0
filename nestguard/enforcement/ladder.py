"""The enforcement ladder as data: steps, who may take them, and their clocks.

`data/ladder.json` holds every rule with its legal source (act, section, URL) and the
status of that source (primary, secondary, unverified, policy). This module loads it once,
checks it (an unknown issuer, parent or deadline kind fails loudly at load) and computes the
deadlines a step taken at a given moment gives.

A partnership may set a commencement date for the Crime and Policing Act 2026 powers in the
data file, or without editing it in the setting NESTGUARD_ENFORCEMENT_COMMENCEMENT
({"respect_order": "2027-01-01"}); a step is refused before its commencement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from nestguard.core.calendar import UK
from nestguard.enforcement import periods

DATA_FILE = Path(__file__).parent / "data" / "ladder.json"
KINDS = frozenset({"hours", "days", "days_beginning_with", "months", "working_days", "recorded"})
STATUSES = frozenset({"primary", "secondary", "unverified", "policy"})
SUBJECTS = frozenset({"person", "premises"})
ON_PASSING = frozenset({"overdue", "lapses"})


@dataclass(frozen=True)
class Source:
    act: str
    section: str
    url: str
    status: str
    note: str = ""

    @classmethod
    def parse(cls, raw: dict[str, Any], where: str) -> Source:
        status = raw.get("status")
        if status not in STATUSES:
            raise ValueError(f"{where}: source status {status!r} is not one of {sorted(STATUSES)}")
        if not raw.get("act"):
            raise ValueError(f"{where}: a source needs its act (or 'Partnership policy')")
        return cls(
            raw["act"], raw.get("section", ""), raw.get("url", ""), status, raw.get("note", "")
        )

    @property
    def citation(self) -> str:
        return " ".join(p for p in (self.act, self.section) if p)

    def as_dict(self) -> dict[str, str]:
        return {
            "act": self.act,
            "section": self.section,
            "url": self.url,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class Limit:
    months: int
    rule: str
    source: Source


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    label: str
    kind: str
    rule: str
    source: Source
    on_passing: str
    hours: int | None = None
    hours_by_issuer: dict[str, int] = field(default_factory=dict)
    christmas_for_hours: tuple[int, ...] = ()
    days: int | None = None
    months: int | None = None
    field: str = ""
    met_by: tuple[str, ...] = ()
    from_parent: bool = False  # counted from the earlier step (a notice's service)


@dataclass(frozen=True)
class Issuer:
    code: str
    label: str
    body: str


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    short: str
    subject: str
    issuers: tuple[str, ...]
    source: Source
    deadlines: tuple[DeadlineRule, ...]
    next: tuple[str, ...]
    parents: tuple[str, ...] = ()
    min_age: int | None = None
    needs_conduct: bool = False
    needs_scope: bool = False
    needs_ends_at: bool = False
    same_person_as_parent: bool = False
    same_body_as_parent: bool = False
    after_parent_deadline: str = ""
    within_parent_deadline: str = ""
    before_parent_deadline: str = ""
    parent_issuers: tuple[str, ...] = ()
    before_order_expiry: bool = False
    under_18_max_months: int | None = None
    max_period: Limit | None = None
    max_extension: Limit | None = None
    max_total: Limit | None = None
    commencement: date | None = None
    has_commencement: bool = False  # a power that needs commencing (null: not yet commenced)

    def in_force_on(self, day: date) -> bool:
        if not self.has_commencement:
            return True
        return self.commencement is not None and day >= self.commencement

    def deadline(self, code: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.code == code), None)


@dataclass(frozen=True)
class Ladder:
    version: str
    statuses: dict[str, str]
    issuers: dict[str, Issuer]
    steps: dict[str, Step]
    starting_steps: tuple[str, ...]
    agency_bodies: dict[str, tuple[str, ...]]
    under_enforcement: Limit

    def step(self, code: str) -> Step:
        try:
            return self.steps[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a step of the enforcement ladder") from None

    def bodies_for_agency_type(self, agency_type: str) -> tuple[str, ...]:
        return self.agency_bodies.get(agency_type, ())


def _limit(raw: dict[str, Any] | None, where: str) -> Limit | None:
    if raw is None:
        return None
    return Limit(int(raw["months"]), raw["rule"], Source.parse(raw["source"], where))


def _deadline(raw: dict[str, Any], where: str, issuers: tuple[str, ...]) -> DeadlineRule:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"{where}: deadline kind {kind!r} is not one of {sorted(KINDS)}")
    if raw.get("on_passing") not in ON_PASSING:
        raise ValueError(f"{where}: on_passing must be one of {sorted(ON_PASSING)}")
    by_issuer = {k: int(v) for k, v in raw.get("hours_by_issuer", {}).items()}
    if kind == "hours" and not (raw.get("hours") or by_issuer):
        raise ValueError(f"{where}: an hours deadline needs hours or hours_by_issuer")
    if by_issuer and set(by_issuer) != set(issuers):
        raise ValueError(f"{where}: hours_by_issuer must name exactly the step's issuers")
    if kind in ("days", "days_beginning_with", "working_days") and not raw.get("days"):
        raise ValueError(f"{where}: a {kind} deadline needs days")
    if kind == "recorded" and not raw.get("field"):
        raise ValueError(f"{where}: a recorded deadline names its field")
    return DeadlineRule(
        code=raw["code"],
        label=raw["label"],
        kind=kind,
        rule=raw["rule"],
        source=Source.parse(raw["source"], where),
        on_passing=raw["on_passing"],
        hours=raw.get("hours"),
        hours_by_issuer=by_issuer,
        christmas_for_hours=tuple(raw.get("christmas_for_hours", ())),
        days=raw.get("days"),
        months=raw.get("months"),
        field=raw.get("field", ""),
        met_by=tuple(raw.get("met_by", ())),
        from_parent=bool(raw.get("from_parent")),
    )


def _commencement(code: str, raw: dict[str, Any]) -> tuple[bool, date | None]:
    if "commencement" not in raw:
        return False, None
    override = getattr(settings, "NESTGUARD_ENFORCEMENT_COMMENCEMENT", {}) or {}
    value = override.get(code, raw["commencement"])
    return True, date.fromisoformat(value) if value else None


def parse_ladder(raw: dict[str, Any]) -> Ladder:
    issuers = {i["code"]: Issuer(i["code"], i["label"], i["body"]) for i in raw["issuers"]}
    steps: dict[str, Step] = {}
    for entry in raw["steps"]:
        code = entry["code"]
        where = f"ladder step {code}"
        if code in steps:
            raise ValueError(f"{where} is defined twice")
        if entry["subject"] not in SUBJECTS:
            raise ValueError(f"{where}: subject must be person or premises")
        step_issuers = tuple(entry["issuers"])
        unknown = [i for i in step_issuers if i not in issuers]
        if unknown:
            raise ValueError(f"{where}: unknown issuers {unknown}")
        has_commencement, commencement = _commencement(code, entry)
        steps[code] = Step(
            code=code,
            label=entry["label"],
            short=entry.get("short", entry["label"]),
            subject=entry["subject"],
            issuers=step_issuers,
            source=Source.parse(entry["source"], where),
            deadlines=tuple(
                _deadline(d, f"{where} deadline {d.get('code')}", step_issuers)
                for d in entry["deadlines"]
            ),
            next=tuple(entry.get("next", ())),
            parents=tuple(entry.get("parents", ())),
            min_age=entry.get("min_age"),
            needs_conduct=bool(entry.get("needs_conduct")),
            needs_scope=bool(entry.get("needs_scope")),
            needs_ends_at=bool(entry.get("needs_ends_at")),
            same_person_as_parent=bool(entry.get("same_person_as_parent")),
            same_body_as_parent=bool(entry.get("same_body_as_parent")),
            after_parent_deadline=entry.get("after_parent_deadline", ""),
            within_parent_deadline=entry.get("within_parent_deadline", ""),
            before_parent_deadline=entry.get("before_parent_deadline", ""),
            parent_issuers=tuple(entry.get("parent_issuers", ())),
            before_order_expiry=bool(entry.get("before_order_expiry")),
            under_18_max_months=entry.get("under_18_max_months"),
            max_period=_limit(entry.get("max_period"), where),
            max_extension=_limit(entry.get("max_extension"), where),
            max_total=_limit(entry.get("max_total"), where),
            commencement=commencement,
            has_commencement=has_commencement,
        )
    for step in steps.values():
        for ref in (*step.parents, *step.next):
            if ref not in steps:
                raise ValueError(f"ladder step {step.code} names unknown step {ref!r}")
        for deadline in step.deadlines:
            for ref in deadline.met_by:
                if ref not in steps:
                    raise ValueError(f"ladder step {step.code} names unknown step {ref!r}")
    starting = tuple(raw["starting_steps"])
    if any(code not in steps or steps[code].parents for code in starting):
        raise ValueError("starting_steps must be known steps that need no earlier step")
    return Ladder(
        version=str(raw["version"]),
        statuses=dict(raw["statuses"]),
        issuers=issuers,
        steps=steps,
        starting_steps=starting,
        agency_bodies={k: tuple(v) for k, v in raw["agency_bodies"].items()},
        under_enforcement=_limit(raw["under_enforcement"], "under_enforcement"),  # type: ignore[arg-type]
    )


@cache
def _cached_ladder(override_key: str) -> Ladder:
    return parse_ladder(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def ladder() -> Ladder:
    """The ladder, loaded once (again if the commencement setting changes, as in tests)."""
    override = getattr(settings, "NESTGUARD_ENFORCEMENT_COMMENCEMENT", {}) or {}
    return _cached_ladder(json.dumps(override, sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Computing deadlines


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str
    due_at: datetime | None  # None: a recorded date not yet known (the CLI, before recording)
    rule: str
    source: Source
    on_passing: str
    met_by: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "due_at": self.due_at.astimezone(UK).isoformat() if self.due_at else None,
            "rule": self.rule,
            "source": self.source.as_dict(),
            "on_passing": self.on_passing,
            "note": self.note,
        }


def _hours_for(rule: DeadlineRule, issuer: str) -> int:
    if rule.hours_by_issuer:
        return rule.hours_by_issuer[issuer]
    assert rule.hours is not None
    return rule.hours


def compute_deadline(
    rule: DeadlineRule,
    at: datetime,
    *,
    issuer: str,
    recorded: dict[str, datetime | None] | None = None,
    ceiling: Limit | None = None,
    parent_at: datetime | None = None,
) -> Deadline:
    """One deadline of a step taken at `at` by `issuer`. A recorded deadline takes its date
    from `recorded`; when that is missing and the step has a maximum period, the latest the
    maximum allows is given instead, and said so."""
    note = ""
    due: datetime | None
    rule_text = rule.rule
    if rule.from_parent and parent_at is not None:
        at = parent_at
    if rule.kind == "hours":
        hours = _hours_for(rule, issuer)
        christmas = hours in rule.christmas_for_hours
        due = periods.add_elapsed_hours(at, hours, disregard_christmas=christmas)
        rule_text = (
            f"{rule.rule} (here: {hours} hours{', Christmas Day disregarded' if christmas else ''})"
        )
        note = periods.non_working_day_note(due) if rule.on_passing == "overdue" else ""
    elif rule.kind == "days":
        assert rule.days is not None
        due = periods.add_calendar_days(at, rule.days)
    elif rule.kind == "days_beginning_with":
        assert rule.days is not None
        due = periods.days_beginning_with(at, rule.days)
        note = periods.non_working_day_note(due)
    elif rule.kind == "months":
        assert rule.months is not None
        due = periods.add_calendar_months(at, rule.months)
    elif rule.kind == "working_days":
        assert rule.days is not None
        due = periods.working_days_after(at, rule.days)
    else:  # recorded
        due = (recorded or {}).get(rule.field)
        if due is None and ceiling is not None:
            due = periods.add_calendar_months(at, ceiling.months)
            note = (
                f"Not yet recorded: the latest allowed ({ceiling.rule.lower()}, "
                f"{ceiling.source.citation})"
            )
    return Deadline(
        code=rule.code,
        label=rule.label,
        due_at=due,
        rule=rule_text,
        source=rule.source,
        on_passing=rule.on_passing,
        met_by=rule.met_by,
        note=note,
    )


def step_deadlines(
    step: Step,
    at: datetime,
    *,
    issuer: str,
    recorded: dict[str, datetime | None] | None = None,
    parent_at: datetime | None = None,
) -> list[Deadline]:
    """The deadlines of `step` taken at `at`; those counted from the earlier step use
    `parent_at` (without one, as from the CLI, they count from `at`)."""
    ceiling = step.max_period or step.max_extension
    return [
        compute_deadline(
            rule, at, issuer=issuer, recorded=recorded, ceiling=ceiling, parent_at=parent_at
        )
        for rule in step.deadlines
    ]
