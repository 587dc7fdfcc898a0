"""Cost-benefit as data (decision 0092): the unit cost table, what counts as a tenancy saved,
and the arithmetic "tenancies saved times unit cost, less the project cost for the period".

Money is exact: values are `Decimal` pounds with pence, and a project cost that only partly
overlaps a report's period is pro-rated by days as an exact fraction, rounded to the penny
(half up) entry by entry, so that the shares printed add up to the total printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q

from nestguard.cases.models import outcomes, resolutions

DATA = Path(__file__).parent / "data"
PENNY = Decimal("0.01")
# The formula is printed with the multiplication and minus signs (a screen reader says
# "times" and "minus"), written as escapes so that nobody mistakes them for x and -.
TIMES = "\u00d7"
MINUS = "\u2212"
# The verification statuses of the shared reference: primary, secondary, unverified.
STATUSES = {"P": "primary", "S": "secondary", "U": "unverified"}


@dataclass(frozen=True)
class UnitCost:
    code: str
    label: str
    value: Decimal  # GBP, to the penny
    unit: str
    price_year: str
    source_title: str
    source_document: str
    source_url: str
    status: str  # P, S or U
    date: str  # of the source

    @property
    def reference(self) -> str:
        """How a report cites it: "£4,659.00 per tenancy saved, 2023 prices [S]"."""
        return f"{money(self.value)} {self.unit}, {self.price_year} prices [{self.status}]"


@dataclass(frozen=True)
class TenancySavedRule:
    """A closed case is a tenancy saved when it was resolved as `resolution`, has at least one
    outcome of `counting` and none of `excluding` (local policy, tenancy_saved.json)."""

    resolution: str
    counting: tuple[str, ...]
    excluding: tuple[str, ...]
    unit_cost: str
    source: str

    def applies(self, resolution: str, case_outcomes: Iterable[str]) -> bool:
        chosen = set(case_outcomes)
        return (
            resolution == self.resolution
            and bool(chosen & set(self.counting))
            and not chosen & set(self.excluding)
        )

    def q(self) -> Q:
        """The same rule as a filter on cases (outcomes is a JSON list of codes; a code is
        matched with its quotes, as JSON text on SQLite and jsonb on PostgreSQL render it)."""
        wanted = Q()
        for code in self.counting:
            wanted |= Q(outcomes__icontains=f'"{code}"')
        query = Q(resolution=self.resolution) & wanted
        for code in self.excluding:
            query &= ~Q(outcomes__icontains=f'"{code}"')
        return query

    def describe(self) -> str:
        counting = " or ".join(outcomes().label(c).lower() for c in self.counting)
        excluding = ", ".join(outcomes().label(c).lower() for c in self.excluding)
        text = f"{resolutions().label(self.resolution)}, with {counting}"
        return f"{text}, and not {excluding}" if excluding else text


def _load(name: str) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    for key in ("name", "version", "source", "codes"):
        if key not in raw:
            raise ValueError(f"{name}.json has no {key!r}")
    return raw


@cache
def unit_costs() -> dict[str, UnitCost]:
    """The unit cost table, by code; every entry must have a source, a status and a date."""
    table: dict[str, UnitCost] = {}
    for entry in _load("unit_costs")["codes"]:
        source = entry["source"]
        if not source.get("title") or not (source.get("url") or source.get("document")):
            raise ValueError(f"unit cost {entry['code']!r} has no source")
        if entry["status"] not in STATUSES:
            raise ValueError(f"unit cost {entry['code']!r} has status {entry['status']!r}")
        value = Decimal(entry["value"])
        if value != value.quantize(PENNY) or value <= 0:
            raise ValueError(f"unit cost {entry['code']!r} is not a positive sum in pence")
        if entry["code"] in table:
            raise ValueError(f"unit cost {entry['code']!r} is listed twice")
        table[entry["code"]] = UnitCost(
            code=entry["code"],
            label=entry["label"],
            value=value,
            unit=entry["unit"],
            price_year=str(entry["price_year"]),
            source_title=source["title"],
            source_document=source.get("document", ""),
            source_url=source.get("url", ""),
            status=entry["status"],
            date=str(entry["date"]),
        )
    return table


@cache
def tenancy_saved_rule() -> TenancySavedRule:
    raw = _load("tenancy_saved")
    known = outcomes()
    for entry in raw["codes"]:
        if entry["code"] not in known:
            raise ValueError(f"tenancy_saved.json names {entry['code']!r}, not an outcome")
    if raw["resolution"] not in resolutions():
        raise ValueError(f"tenancy_saved.json names {raw['resolution']!r}, not a resolution")
    if raw["unit_cost"] not in unit_costs():
        raise ValueError(f"tenancy_saved.json names {raw['unit_cost']!r}, not a unit cost")
    return TenancySavedRule(
        resolution=raw["resolution"],
        counting=tuple(e["code"] for e in raw["codes"] if e["counts"]),
        excluding=tuple(e["code"] for e in raw["codes"] if not e["counts"]),
        unit_cost=raw["unit_cost"],
        source=raw["source"],
    )


# ---------------------------------------------------------------------------------------------
# Project costs in a period


@dataclass(frozen=True)
class CostShare:
    """The part of one project cost entry that falls in a report's period."""

    project: str
    start: date
    end: date
    amount: Decimal
    days_in_period: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def share(self) -> Decimal:
        """amount times days in the period, divided by the days the cost covers, computed as
        an exact fraction and rounded to the penny (half up)."""
        return to_pence(Fraction(self.amount) * self.days_in_period / self.days)


def overlap_days(start: date, end: date, period_start: date, period_end: date) -> int:
    """Days (inclusive) that [start, end] shares with [period_start, period_end]."""
    first, last = max(start, period_start), min(end, period_end)
    return max(0, (last - first).days + 1)


def shares(entries: Iterable[Any], period_start: date, period_end: date) -> list[CostShare]:
    """Each entry (a ProjectCost, or anything with project, starts_on, ends_on and amount)
    that overlaps the period, with the days it shares with it."""
    found = []
    for entry in entries:
        days = overlap_days(entry.starts_on, entry.ends_on, period_start, period_end)
        if days:
            found.append(
                CostShare(entry.project, entry.starts_on, entry.ends_on, entry.amount, days)
            )
    return found


def to_pence(value: Fraction | Decimal | int) -> Decimal:
    """An exact amount rounded to the penny, half up (as a ledger rounds)."""
    exact = Fraction(value)
    # Half away from zero, in whole pence: the fraction's remainder decides, not a float.
    whole, rest = divmod(abs(exact) * 100, 1)
    pence = int(whole) + (1 if rest >= Fraction(1, 2) else 0)
    return (Decimal(pence if exact >= 0 else -pence) / 100).quantize(PENNY)


def project_cost(found: Iterable[CostShare]) -> Decimal:
    """The period's project cost: the sum of the pro-rated shares as printed (each to the
    penny), so that the report's cost table adds up to the figure it prints."""
    return sum((s.share for s in found), Decimal("0.00"))


# ---------------------------------------------------------------------------------------------
# The arithmetic


@dataclass(frozen=True)
class CostBenefit:
    tenancies_saved: int
    unit_cost: UnitCost
    project_cost: Decimal

    @property
    def gross_saving(self) -> Decimal:
        return (self.unit_cost.value * self.tenancies_saved).quantize(PENNY)

    @property
    def net_saving(self) -> Decimal:
        return (self.gross_saving - self.project_cost).quantize(PENNY)

    @property
    def formula(self) -> str:
        """The sum as printed beside the figure: 68 times £4,659.00 minus £27,705.00 makes
        "68 \u00d7 £4,659.00 \u2212 £27,705.00 = £289,107.00"."""
        return (
            f"{self.tenancies_saved} {TIMES} {money(self.unit_cost.value)} {MINUS} "
            f"{money(self.project_cost)} = {money(self.net_saving)}"
        )


FORMULA = f"Net saving = tenancies saved {TIMES} {{unit}} {MINUS} project cost for the period"


def money(value: Decimal) -> str:
    """£1,234.50; a negative sum as -£1,234.50."""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
