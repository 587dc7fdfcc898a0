"""Small-number suppression: what a table may show once it leaves the system (decision 0089).

Primary suppression: a count from 1 to `threshold - 1` (default 1 to 4) is shown as `[c]`,
the Government Statistical Service symbol for confidential. Zero stays 0: it is a true zero.

Secondary suppression: a suppressed cell must not be recoverable by subtraction. Every count
column is treated as adding up (its total is printed, or is printed elsewhere: the number of
referrals in the period), and every row of a table with a total column adds up; in each such
line that holds exactly one suppressed cell, the smallest other non-zero cell is suppressed
too (a total only when nothing else is left). This repeats until no line changes, because
each new `[c]` may leave another line with a single one.

Percentages are computed from the true counts, and a percentage is suppressed with its count.
Money and other figures (a cost, a median in days) are not counts and are never suppressed.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from nestguard.reporting.tables import SUPPRESSED, Cell, Table

Position = tuple[int, int]


def threshold() -> int:
    """Counts below this and above zero are suppressed (NESTGUARD_SUPPRESS_BELOW, default 5)."""
    return int(getattr(settings, "NESTGUARD_SUPPRESS_BELOW", 5))


def suppress(table: Table, *, below: int | None = None) -> Table:
    """The table as it may be shown: small counts and what would reveal them as `[c]`."""
    limit = threshold() if below is None else below
    counts = table.count_columns()
    grid = {(r, c): table.rows[r][c] for r in range(len(table.rows)) for c in counts}
    hidden = {pos for pos, value in grid.items() if _is_small(value, limit)}
    lines = _lines(table, counts)
    total_cells = _total_cells(table, counts)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for pos in line if pos in hidden) != 1:
                continue
            partner = _partner(line, grid, hidden, total_cells)
            if partner is not None:
                hidden.add(partner)
                changed = True
    return _apply(table, hidden)


def is_suppressed(cell: Cell) -> bool:
    return cell == SUPPRESSED


def figure(value: int, *, below: int | None = None) -> Cell:
    """A single count shown on its own (a headline figure): suppressed when small."""
    limit = threshold() if below is None else below
    return SUPPRESSED if _is_small(value, limit) else value


def _is_small(value: Cell, limit: int) -> bool:
    return isinstance(value, int) and 0 < value < limit


def _lines(table: Table, counts: list[int]) -> list[list[Position]]:
    rows = range(len(table.rows))
    lines = [[(r, c) for r in rows] for c in counts] if len(table.rows) > 1 else []
    if table.total_column and len(counts) > 1:
        lines += [[(r, c) for c in counts] for r in rows]
    return lines


def _total_cells(table: Table, counts: list[int]) -> set[Position]:
    cells: set[Position] = set()
    if table.total_row:
        cells |= {(len(table.rows) - 1, c) for c in counts}
    if table.total_column and counts:
        cells |= {(r, counts[-1]) for r in range(len(table.rows))}
    return cells


def _partner(
    line: list[Position],
    grid: dict[Position, Cell],
    hidden: set[Position],
    totals: set[Position],
) -> Position | None:
    """The cell to suppress beside a line's single suppressed cell: the smallest non-zero
    cell that is not a total, else the line's total."""
    candidates = [
        pos
        for pos in line
        if pos not in hidden and isinstance(grid[pos], int) and int(grid[pos] or 0) > 0
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda pos: (pos in totals, int(grid[pos] or 0), pos))


def _apply(table: Table, hidden: set[Position]) -> Table:
    percent_sources = {
        i: column.of for i, column in enumerate(table.columns) if column.kind == "percent"
    }
    rows = []
    for r, row in enumerate(table.rows):
        cells: list[Cell] = []
        for c, cell in enumerate(row):
            source = percent_sources.get(c)
            if (r, c) in hidden or (source is not None and (r, source) in hidden):
                cells.append(SUPPRESSED)
            else:
                cells.append(cell)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))
