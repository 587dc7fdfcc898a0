"""`nestguard deadline STEP --at ISO-DATETIME [--issuer RANK]`: the deadlines the rules give.

Prints JSON: the step, the moment (UK local time), and each deadline with its rule and legal
source. A datetime without an offset is read as UK local time (Europe/London). Bad input
(an unknown step, an unreadable or impossible datetime, a rank that may not take the step, a
power not yet in force) exits non-zero with a message saying what to change.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.core.calendar import UK
from nestguard.enforcement import periods
from nestguard.enforcement.ladder import Step, ladder, step_deadlines


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--at {text!r} is not an ISO 8601 date and time, e.g. 2026-12-24T18:30 or "
            "2026-12-24T18:30:00+00:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UK)
    return moment


def choose_issuer(step: Step, issuer: str | None) -> str:
    needs_rank = any(rule.hours_by_issuer for rule in step.deadlines)
    if issuer is None:
        if needs_rank:
            raise CommandError(
                f"{step.code} needs --issuer: the rank decides its clock. "
                f"One of: {', '.join(step.issuers)}"
            )
        return step.issuers[0]
    if issuer not in step.issuers:
        known = ladder().issuers.get(issuer)
        what = f"{known.label} ({issuer})" if known else f"{issuer!r} (not a known rank)"
        raise CommandError(
            f"{what} may not take the step {step.code}. One of: {', '.join(step.issuers)}"
        )
    return issuer


def deadline_report(step_code: str, at_text: str, issuer: str | None) -> dict[str, Any]:
    rules = ladder()
    if step_code not in rules.steps:
        raise CommandError(f"unknown step {step_code!r}. Steps: {', '.join(sorted(rules.steps))}")
    step = rules.step(step_code)
    at = parse_moment(at_text)
    local_day = at.astimezone(UK).date()
    if not step.in_force_on(local_day):
        when = (
            f"it commences on {step.commencement:%-d %B %Y}"
            if step.commencement
            else "its commencement date is not set"
        )
        raise CommandError(f"{step.label} is not in force on {local_day:%-d %B %Y}: {when}")
    chosen = choose_issuer(step, issuer)
    limits = []
    for code, limit in (("max_period", step.max_period), ("max_extension", step.max_extension),
                        ("max_total", step.max_total)):  # fmt: skip
        if limit is not None:
            limits.append(
                {
                    "code": code,
                    "latest": periods.add_calendar_months(at, limit.months).isoformat(),
                    "rule": limit.rule,
                    "source": limit.source.as_dict(),
                }
            )
    return {
        "step": step.code,
        "label": step.label,
        "at": at.astimezone(UK).isoformat(),
        "issuer": chosen,
        "issuer_label": rules.issuers[chosen].label,
        "source": step.source.as_dict(),
        "deadlines": _with_notes(step, step_deadlines(step, at, issuer=chosen)),
        "limits": limits,
        "rules_version": rules.version,
    }


def _with_notes(step: Step, deadlines: list[Any]) -> list[dict[str, Any]]:
    from_parent = {rule.code for rule in step.deadlines if rule.from_parent}
    rows = []
    for deadline in deadlines:
        row = deadline.as_dict()
        if deadline.code in from_parent:
            row["note"] = " ".join(
                p for p in (row["note"], "Counted from the earlier step: --at is taken as it") if p
            )
        rows.append(row)
    return rows


class Command(BaseCommand):
    help = "Print as JSON the deadlines the enforcement rules give for a step taken at a moment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", help="A step code, e.g. cpn, closure_notice, closure_order")
        parser.add_argument(
            "--at",
            required=True,
            help="When the step was taken (ISO 8601; without an offset, UK local time)",
        )
        parser.add_argument("--issuer", help="The issuer's rank, e.g. police_superintendent")

    def handle(self, *args: Any, **options: Any) -> None:
        report = deadline_report(options["step"], options["at"], options.get("issuer"))
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
