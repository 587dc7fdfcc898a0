"""Small-number suppression (decision 0089): primary [c] for 1 to 4, zero kept, and no total
or difference that reveals a suppressed cell."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from nestguard.reporting.suppression import figure, suppress
from nestguard.reporting.tables import SUPPRESSED, Table, counts_table


def _table(
    rows: list[tuple[str, list[int]]], counts: tuple[str, ...] = ("Count",), **kw: bool
) -> Table:
    return counts_table("t", "T", "Label", rows, counts, **kw)


def test_counts_from_one_to_four_are_confidential_and_zero_stays_zero() -> None:
    shown = suppress(_table([("a", [0]), ("b", [1]), ("c", [4]), ("d", [5]), ("e", [40])]))
    assert [row[1] for row in shown.rows] == [0, SUPPRESSED, SUPPRESSED, 5, 40, 50]


def test_a_single_small_cell_takes_the_next_smallest_with_it() -> None:
    shown = suppress(_table([("a", [3]), ("b", [7]), ("c", [20])]))
    # Total 30 minus 20 would reveal 3 + 7 ... so 7 goes too, and the pair cannot be split.
    assert [row[1] for row in shown.rows] == [SUPPRESSED, SUPPRESSED, 20, 30]


def test_when_nothing_else_is_left_the_total_is_suppressed() -> None:
    shown = suppress(_table([("a", [3]), ("b", [0])]))
    assert [row[1] for row in shown.rows] == [SUPPRESSED, 0, SUPPRESSED]


def test_rows_add_up_when_the_table_has_a_total_column() -> None:
    table = _table(
        [("north", [10, 2]), ("south", [30, 12])],
        ("Boys", "Girls"),
        total_column=True,
    )
    shown = suppress(table)
    north = shown.rows[0]
    assert north[2] == SUPPRESSED  # primary
    assert SUPPRESSED in (north[1], north[3])  # its row cannot reveal it
    assert sum(1 for row in shown.rows if row[2] == SUPPRESSED) >= 2  # nor its column


def test_percentages_of_suppressed_counts_are_suppressed() -> None:
    shown = suppress(_table([("a", [2]), ("b", [8]), ("c", [90])], percent=True))
    assert shown.headings == ["Label", "Count", "Count (%)"]
    assert shown.rows[0][1:] == (SUPPRESSED, SUPPRESSED)
    assert shown.rows[2][1:] == (90, Decimal("90.0"))


def test_a_headline_figure_is_suppressed_alone() -> None:
    assert [figure(n) for n in (0, 1, 4, 5)] == [0, SUPPRESSED, SUPPRESSED, 5]


def _recoverable(table: Table, shown: Table) -> list[tuple[int, int]]:
    """Cells a reader could work out from a line with exactly one [c] and a known sum."""
    counts = table.count_columns()
    found = []
    lines = [[(r, c) for r in range(len(table.rows))] for c in counts]
    if table.total_column:
        lines += [[(r, c) for c in counts] for r in range(len(table.rows))]
    for line in lines:
        hidden = [pos for pos in line if shown.rows[pos[0]][pos[1]] == SUPPRESSED]
        if len(hidden) == 1 and table.rows[hidden[0][0]][hidden[0][1]] != 0:
            found.append(hidden[0])
    return found


@pytest.mark.parametrize("seed", range(200))
def test_no_line_ever_leaves_a_single_suppressed_cell(seed: int) -> None:
    rng = random.Random(seed)
    columns = tuple(f"c{i}" for i in range(rng.randint(1, 4)))
    rows = [
        (f"r{i}", [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in columns])
        for i in range(rng.randint(1, 7))
    ]
    table = _table(rows, columns, total_column=len(columns) > 1)
    shown = suppress(table)
    assert _recoverable(table, shown) == []
    for r, c in itertools.product(range(len(table.rows)), table.count_columns()):
        true, cell = table.rows[r][c], shown.rows[r][c]
        assert cell == true or cell == SUPPRESSED  # nothing is altered, only withheld
        if true == 0:
            assert cell == 0
        if isinstance(true, int) and 0 < true < 5:
            assert cell == SUPPRESSED
