"""Headline figures on the way out (decision 0092, amending 0089): a sum of figures is
protected like a table's column, and a figure computed from a count is hidden with it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from nestguard.reporting.registry import Report
from nestguard.reporting.tables import SUPPRESSED, Table, counts_table

PARTS = ("resolved", "moved", "other", "ongoing")


def _report(figures: dict[str, object], **kw: object) -> Report:
    return Report(
        "r", "R", date(2025, 1, 1), date(2025, 3, 31), (), figures,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_one_small_part_takes_the_next_smallest_with_it() -> None:
    true = {"cases": 60, "resolved": 40, "moved": 3, "other": 7, "ongoing": 10}
    shown = _report(true, sums=(("cases", *PARTS),)).suppressed().figures
    assert shown == {"cases": 60, "resolved": 40, "moved": SUPPRESSED, "other": SUPPRESSED,
                     "ongoing": 10}  # fmt: skip


def test_without_a_sum_each_figure_stands_alone() -> None:
    true = {"cases": 60, "resolved": 40, "moved": 3, "other": 7, "ongoing": 10}
    assert _report(true).suppressed().figures["other"] == 7


def test_a_saving_is_hidden_with_the_count_it_is_computed_from() -> None:
    derived = (("saving", ("saved",)), ("formula", ("saved",)))
    small = {"saved": 3, "saving": Decimal("13977.00"), "formula": "3 x ...", "cost": Decimal(1)}
    shown = _report(small, not_counts=frozenset({"saving", "formula", "cost"}), derived=derived)
    assert shown.suppressed().figures == {
        "saved": SUPPRESSED, "saving": SUPPRESSED, "formula": SUPPRESSED, "cost": Decimal(1),
    }  # fmt: skip
    large = {**small, "saved": 5}
    shown = _report(large, not_counts=frozenset({"saving", "formula", "cost"}), derived=derived)
    assert shown.suppressed().figures == large
    zero = {**small, "saved": 0}  # a true zero is shown, and so is what it makes
    shown = _report(zero, not_counts=frozenset({"saving", "formula", "cost"}), derived=derived)
    assert shown.suppressed().figures == zero


@pytest.mark.parametrize("seed", range(100))
def test_no_sum_ever_holds_a_single_suppressed_figure(seed: int) -> None:
    rng = random.Random(seed)
    parts = {k: rng.choice([0, 0, 1, 2, 4, 5, 6, 9, 30]) for k in PARTS}
    true = {"cases": sum(parts.values()), **parts}
    shown = _report(true, sums=(("cases", *PARTS),)).suppressed().figures
    hidden = [k for k in true if shown[k] == SUPPRESSED]
    assert len(hidden) != 1 or true[hidden[0]] == 0
    assert all(shown[k] == SUPPRESSED for k in true if 0 < true[k] < 5)


def _outcomes(arrested: int, moved: int, other: int) -> Table:
    rows = [("Arrested", [arrested]), ("Moved", [moved]), ("Other", [other])]
    return counts_table("outcomes", "Outcomes", "Outcome", rows)


def test_a_figure_hidden_in_its_table_is_hidden_in_the_headline() -> None:
    # Arrested 3 is [c]; Moved 6, the smallest other, goes with it. A headline "moved: 6"
    # would give it back (and then Arrested = total - moved - other).
    true = {"moved": 6}
    plain = Report("r", "R", date(2025, 1, 1), date(2025, 3, 31), (_outcomes(3, 6, 40),), true)
    assert plain.suppressed().figures["moved"] == 6  # the leak a link closes
    linked = replace(plain, links=(("moved", "outcomes", "Moved"),)).suppressed()
    assert linked.figures["moved"] == SUPPRESSED
    assert [row[1] for row in linked.tables[0].rows] == [SUPPRESSED, SUPPRESSED, 40, 49]


def test_a_figure_hidden_in_the_headline_is_hidden_in_its_table() -> None:
    # The headline hides moved (6) as the partner of other (3); the table must not show it.
    true = {"cases": 60, "resolved": 40, "moved": 6, "other": 3, "ongoing": 11}
    table = _outcomes(10, 6, 40)
    report = _report(true, sums=(("cases", *PARTS),), links=(("moved", "outcomes", "Moved"),))
    report = replace(report, tables=(table,))
    shown = report.suppressed()
    assert shown.figures["moved"] == SUPPRESSED
    rows = [row[1] for row in shown.tables[0].rows]
    assert rows[1] == SUPPRESSED and rows.count(SUPPRESSED) == 2  # and a partner in its column


def test_a_figure_bounded_by_a_hidden_cell_is_hidden_with_what_derives_from_it() -> None:
    # Target hardening 6 goes with Arrested 3; 6 tenancies saved would say the row is 6.
    rows = [("Arrested", [3]), ("TH", [6]), ("CPW", [40])]
    table = counts_table("outcomes", "O", "Outcome", rows)
    true = {"saved": 6, "saving": Decimal("27954.00")}
    report = _report(
        true,
        not_counts=frozenset({"saving"}),
        derived=(("saving", ("saved",)),),
        bounded_by=(("saved", "outcomes", "TH"),),
    )
    shown = replace(report, tables=(table,)).suppressed()
    assert [row[1] for row in shown.tables[0].rows] == [SUPPRESSED, SUPPRESSED, 40, 49]
    assert shown.figures == {"saved": SUPPRESSED, "saving": SUPPRESSED}
    shown = replace(report, tables=(counts_table("outcomes", "O", "Outcome", [("TH", [6])]),))
    assert shown.suppressed().figures == true  # the row is shown: so may the figure be
