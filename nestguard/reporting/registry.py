"""The named reports (`partnership`, `project_evaluation`, `county_lines_review`, ...): each
registers a builder that turns a request (who, which period, which filters) into a `Report`
of true counts; pages, exports and the API suppress it the same way (decision 0089)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from nestguard.reporting.suppression import figure, suppress
from nestguard.reporting.tables import SUPPRESSED, Cell, Column, Table

if TYPE_CHECKING:
    from nestguard.accounts.models import User


@dataclass(frozen=True)
class ReportRequest:
    user: User
    start: date  # the first day counted
    end: date  # the last day counted (inclusive)
    ward: str = ""
    agency_id: Any = None
    # What one build reads once for several tables (the referrals by UK local hour for the
    # month, weekday and hour tables): lives as long as this request, one build.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    start: date
    end: date
    tables: tuple[Table, ...]
    # Headline counts ("cases": 161) are suppressed like cells; money and other figures
    # (named in `not_counts`) are not.
    figures: dict[str, Cell] = field(default_factory=dict)
    not_counts: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    # Headline counts that add up, each (total, part, part, ...): protected like a table's
    # column, so that no part is worked out from the total and the other parts.
    sums: tuple[tuple[str, ...], ...] = ()
    # A figure computed from counts (a saving: tenancies saved times a unit cost) reveals
    # them: it is shown as [c] whenever any count it is computed from is.
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A figure that is also a count in a table (the cases that moved: a headline figure and a
    # row of the outcome table), as (figure, table name, row label; the table's first count
    # column). Both are [c] when either is, and the suppression of each side runs again with
    # it hidden, so that neither side gives away what the other hid.
    links: tuple[tuple[str, str, str], ...] = ()
    # A figure that is at most a count in a table (or their sum), and often equal to it:
    # tenancies saved and the outcome table's target-hardening row. Hidden when any of its
    # cells is; one way, since hiding the figure reveals nothing about the cells.
    bounded_by: tuple[tuple[str, str, str], ...] = ()

    def suppressed(self) -> Report:
        """The report as it may leave the system."""
        forced_figures: set[str] = set()
        forced_cells: set[tuple[str, int]] = set()  # (table name, row index)
        while True:
            tables = tuple(
                suppress(_forced(t, {r for name, r in forced_cells if name == t.name}))
                for t in self.tables
            )
            figures = self._shown_figures(forced_figures)
            grown = False
            by_name = {table.name: table for table in tables}
            for key, name, label in self.links:
                row = _row(by_name[name], label)
                if SUPPRESSED in (figures[key], _cell(by_name[name], label)) and (
                    key not in forced_figures or (name, row) not in forced_cells
                ):
                    forced_figures.add(key)
                    forced_cells.add((name, row))
                    grown = True
            for key, name, label in self.bounded_by:
                if key not in forced_figures and _cell(by_name[name], label) == SUPPRESSED:
                    forced_figures.add(key)
                    grown = True
            if not grown:
                return replace(self, tables=tables, figures=figures)

    def _shown_figures(self, forced: set[str]) -> dict[str, Cell]:
        figures = {
            key: value if key in self.not_counts or not isinstance(value, int) else figure(value)
            for key, value in self.figures.items()
        }
        figures |= dict.fromkeys(forced, SUPPRESSED)
        _protect_sums(self.figures, figures, self.sums)
        for key, sources in self.derived:
            if key in figures and any(figures.get(s) == SUPPRESSED for s in sources):
                figures[key] = SUPPRESSED
        return figures

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "tables": [table.to_json() for table in self.tables],
            "figures": {k: str(v) if not isinstance(v, int | str | None) else v
                        for k, v in self.figures.items()},
        }  # fmt: skip


def _protect_sums(
    true: dict[str, Cell], shown: dict[str, Cell], sums: tuple[tuple[str, ...], ...]
) -> None:
    """Secondary suppression of headline figures: each sum is checked as a one-column table
    (its parts, then its total), and again while any sum gains a [c]."""
    changed = True
    while changed:
        changed = False
        for total, *parts in sums:
            keys = [*parts, total]
            table = Table("sum", "", (Column("", "label"), Column("")), (), total_row=True)
            rows = tuple((key, true[key]) for key in keys)
            hidden = {k for k in keys if shown[k] == SUPPRESSED}
            # Cells already hidden elsewhere enter as small counts, so the table sees them.
            rows = tuple((k, 1 if k in hidden else v) for k, v in rows)
            result = suppress(replace(table, rows=rows))
            for key, row in zip(keys, result.rows, strict=True):
                if row[1] == SUPPRESSED and shown[key] != SUPPRESSED:
                    shown[key] = SUPPRESSED
                    changed = True


def _row(table: Table, label: str) -> int:
    return [row[0] for row in table.rows].index(label)


def _cell(table: Table, label: str) -> Cell:
    """The first count cell of the row labelled `label`."""
    return table.rows[_row(table, label)][table.count_columns()[0]]


def _forced(table: Table, rows: set[int]) -> Table:
    """The table with the first count cell of each of `rows` made small (1), so that
    `suppress` hides it and protects it like any small count; the cell itself is never shown
    (a zero stays a zero: a true zero reveals nothing)."""
    if not rows:
        return table
    column = table.count_columns()[0]
    cells = [
        tuple(1 if r in rows and c == column and row[c] else row[c] for c in range(len(row)))
        for r, row in enumerate(table.rows)
    ]
    return replace(table, rows=tuple(cells))


Builder = Callable[[ReportRequest], Report]


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    build: Builder
    description: str = ""


_REPORTS: dict[str, ReportSpec] = {}


def register_report(spec: ReportSpec) -> ReportSpec:
    if spec.name in _REPORTS and _REPORTS[spec.name] != spec:
        raise ValueError(f"a report named {spec.name!r} is already registered")
    _REPORTS[spec.name] = spec
    return spec


def report_spec(name: str) -> ReportSpec:
    """The named report, or LookupError."""
    try:
        return _REPORTS[name]
    except KeyError:
        raise LookupError(f"no report named {name!r}") from None


def report_specs() -> list[ReportSpec]:
    return sorted(_REPORTS.values(), key=lambda spec: spec.title)
