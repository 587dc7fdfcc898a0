"""The shape every aggregate takes before it leaves the system: a table of labelled counts.

A report or a dashboard panel builds `Table`s of true counts; `suppression.suppress` turns
them into what may be shown (decision 0089). Totals and percentages are declared, not typed
in: `Table.with_totals` computes them from the counts, so they always reconcile with the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

# The GSS symbol for a cell withheld to protect confidentiality.
SUPPRESSED = "[c]"

Cell = int | str | Decimal | None
ColumnKind = Literal["label", "count", "percent", "money", "figure"]


@dataclass(frozen=True)
class Column:
    """A column heading and what its cells hold.

    `label` cells name the row; `count` cells are counts of people, records or events and
    are suppressed when small; `percent` cells are the share that the count column `of` is of
    its column total (suppressed with it); `money` and `figure` cells are not counts and are
    never suppressed (a cost, a median in days)."""

    heading: str
    kind: ColumnKind = "count"
    of: int | None = None  # for a percent column: the index of its count column


@dataclass(frozen=True)
class Table:
    name: str  # a stable key: "referrals_by_source"
    title: str  # "Referrals by source agency"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # The last row totals the rows above it; the last count column totals the count columns
    # of its row. Both are computed by `with_totals`, and secondary suppression protects them.
    total_row: bool = False
    total_column: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def count_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.kind == "count"]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "columns": self.headings,
            "rows": [[_json_cell(cell) for cell in row] for row in self.rows],
        }


def _json_cell(cell: Cell) -> object:
    if isinstance(cell, Decimal):
        return str(cell)
    return cell


def counts_table(
    name: str,
    title: str,
    label: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    counts: Sequence[str] = ("Count",),
    *,
    total_row: bool = True,
    total_column: bool = False,
    percent: bool = False,
    notes: Sequence[str] = (),
) -> Table:
    """A table of labelled counts with its totals (and a percentage column for each count
    column when `percent`), computed here from the true counts."""
    columns: list[Column] = [Column(label, "label")]
    columns += [Column(heading) for heading in counts]
    body: list[tuple[Cell, ...]] = [(row_label, *values) for row_label, values in rows]
    table = Table(name, title, tuple(columns), tuple(body), notes=tuple(notes))
    table = with_totals(table, total_row=total_row, total_column=total_column)
    return with_percentages(table) if percent else table


def with_totals(table: Table, *, total_row: bool, total_column: bool) -> Table:
    counts = table.count_columns()
    rows = [list(row) for row in table.rows]
    columns = list(table.columns)
    if total_column and len(counts) > 1:
        columns.append(Column("Total"))
        for row in rows:
            row.append(sum(int(row[i] or 0) for i in counts))
        counts = [*counts, len(columns) - 1]
    else:
        total_column = False
    if total_row:
        total: list[Cell] = [None] * len(columns)
        total[0] = "Total"
        for i in counts:
            total[i] = sum(int(row[i] or 0) for row in rows)
        rows.append(total)
    return replace(
        table,
        columns=tuple(columns),
        rows=tuple(tuple(r) for r in rows),
        total_row=total_row,
        total_column=total_column,
    )


def with_percentages(table: Table) -> Table:
    """A percentage column after each count column (not the total column): each cell's share
    of its column's total, to one decimal place, from the true counts."""
    body = table.rows[:-1] if table.total_row else table.rows
    last = len(table.columns) - 1 if table.total_column else None
    columns: list[Column] = []
    sources: list[int | None] = []
    for i, column in enumerate(table.columns):
        columns.append(column)
        sources.append(i)
        if column.kind == "count" and i != last:
            columns.append(Column(f"{column.heading} (%)", "percent", of=len(columns) - 1))
            sources.append(-1 - i)  # a percent of source column i
    totals = {i: sum(int(r[i] or 0) for r in body) for i in table.count_columns()}
    new_rows = []
    for row in table.rows:
        cells: list[Cell] = []
        for source in sources:
            if source is not None and source >= 0:
                cells.append(row[source])
            else:
                i = -1 - (source or 0)
                cells.append(percent(int(row[i] or 0), totals[i]))
        new_rows.append(tuple(cells))
    return replace(table, columns=tuple(columns), rows=tuple(new_rows))


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
