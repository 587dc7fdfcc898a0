"""Cost-benefit as data (decision 0092): the unit cost table, the tenancy-saved rule, the
pro-rating of project costs and the arithmetic, to the penny."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from nestguard.cases.models import outcomes, resolutions
from nestguard.reporting.costs import (
    DATA,
    STATUSES,
    CostBenefit,
    overlap_days,
    project_cost,
    shares,
    tenancy_saved_rule,
    to_pence,
    unit_costs,
)

VOID = "void_cost_avoided"


def test_every_unit_cost_has_a_value_a_source_a_status_and_a_date() -> None:
    raw = json.loads((DATA / "unit_costs.json").read_text(encoding="utf-8"))
    assert raw["codes"], "the table is empty"
    for entry in raw["codes"]:
        where = entry["code"]
        assert entry["label"] and entry["unit"], where
        assert Decimal(entry["value"]) == Decimal(entry["value"]).quantize(Decimal("0.01"))
        assert entry["currency"] == "GBP", where
        assert entry["price_year"], where
        assert entry["source"]["title"], where
        assert entry["source"].get("url") or entry["source"].get("document"), where
        assert entry["status"] in STATUSES, where
        assert date.fromisoformat(
            f"{entry['date']}-01" if len(entry["date"]) == 7 else entry["date"]
        )
    assert set(unit_costs()) == {e["code"] for e in raw["codes"]}


def test_the_void_cost_is_the_stockport_figure() -> None:
    void = unit_costs()[VOID]
    assert void.value == Decimal("4659.00")
    assert void.status == "S"
    assert "Stockport" in void.source_title and void.source_document
    assert void.reference == "£4,659.00 per tenancy saved, 2023 prices [S]"


def test_the_stockport_sum_done_right() -> None:
    """68 tenancies at £4,659 less £27,705 is £289,107: the evaluation printed £289,114."""
    benefit = CostBenefit(68, unit_costs()[VOID], Decimal("27705.00"))
    assert benefit.gross_saving == Decimal("316812.00")
    assert benefit.net_saving == Decimal("289107.00")
    assert benefit.formula == "68 \u00d7 £4,659.00 \u2212 £27,705.00 = £289,107.00"
    print("\nStockport, footnote 1, recomputed:", benefit.formula, "(printed: £289,114)")


def test_a_loss_is_printed_as_a_negative_sum() -> None:
    benefit = CostBenefit(2, unit_costs()[VOID], Decimal("27705.00"))
    assert benefit.net_saving == Decimal("-18387.00")
    assert benefit.formula == "2 \u00d7 £4,659.00 \u2212 £27,705.00 = -£18,387.00"


def _entry(start: date, end: date, amount: str, project: str = "P") -> SimpleNamespace:
    return SimpleNamespace(project=project, starts_on=start, ends_on=end, amount=Decimal(amount))


def test_overlap_days_are_inclusive() -> None:
    assert (
        overlap_days(date(2024, 1, 1), date(2024, 1, 31), date(2024, 1, 31), date(2024, 2, 5)) == 1
    )
    assert (
        overlap_days(date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 5)) == 0
    )
    assert (
        overlap_days(date(2024, 1, 1), date(2024, 12, 31), date(2023, 1, 1), date(2025, 1, 1))
        == 366
    )


def test_a_cost_is_pro_rated_by_its_days_in_the_period_to_the_penny() -> None:
    # £10,000 over 2025/26 (365 days); the report is April to June 2025 (91 days).
    found = shares(
        [_entry(date(2025, 4, 1), date(2026, 3, 31), "10000.00")],
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    assert [(s.days_in_period, s.days) for s in found] == [(91, 365)]
    # 10000 times 91 / 365 = 2493.150684...: £2,493.15
    assert found[0].share == Decimal("2493.15")
    assert project_cost(found) == Decimal("2493.15")


def test_entries_outside_the_period_cost_nothing_and_the_total_adds_up() -> None:
    entries = [
        _entry(date(2024, 4, 1), date(2025, 3, 31), "18470.00"),  # 365 days, 31 in the period
        _entry(date(2025, 4, 1), date(2026, 3, 31), "19025.00"),  # 365 days, 30 in the period
        _entry(date(2026, 4, 1), date(2027, 3, 31), "99999.00"),  # after the period
    ]
    found = shares(entries, date(2025, 3, 1), date(2025, 4, 30))
    assert [s.days_in_period for s in found] == [31, 30]
    assert [s.share for s in found] == [Decimal("1568.68"), Decimal("1563.70")]
    assert project_cost(found) == Decimal("3132.38") == sum(s.share for s in found)


def test_a_whole_entry_inside_the_period_counts_in_full() -> None:
    found = shares(
        [_entry(date(2022, 1, 1), date(2023, 6, 30), "27705.00")],
        date(2022, 1, 1),
        date(2023, 8, 31),
    )
    assert project_cost(found) == Decimal("27705.00")


@pytest.mark.parametrize(
    ("exact", "pence"),
    [
        (Fraction(1, 200), "0.01"),  # half a penny rounds up
        (Fraction(1, 201), "0.00"),
        (Fraction(-1, 200), "-0.01"),  # half away from zero
        (Fraction(249315068, 100000), "2493.15"),
        (Decimal("0.125"), "0.13"),
    ],
)
def test_to_pence_rounds_half_up_exactly(exact: Fraction | Decimal, pence: str) -> None:
    assert to_pence(exact) == Decimal(pence)


# ---------------------------------------------------------------------------------------------
# What counts as a tenancy saved


def test_the_rule_names_known_codes_and_says_it_is_local_policy() -> None:
    raw = json.loads((DATA / "tenancy_saved.json").read_text(encoding="utf-8"))
    assert raw["policy"] == "local" and "Stockport" in raw["source"]
    rule = tenancy_saved_rule()
    assert set(rule.counting) | set(rule.excluding) <= set(outcomes().values)
    assert rule.resolution in resolutions()
    assert rule.unit_cost in unit_costs()


@pytest.mark.parametrize(
    ("resolution", "case_outcomes", "saved"),
    [
        ("positively_resolved", ["target_hardening_wraparound"], True),
        ("positively_resolved", ["target_hardening_wraparound", "cpw_cpn"], True),
        # Moved: the tenant left the home, so no void cost was avoided.
        ("positively_resolved", ["target_hardening_wraparound", "moved"], False),
        ("positively_resolved", ["moved"], False),
        # Not resolved positively: the exploitation may go on.
        ("declined_passed_to_asb", ["target_hardening_wraparound"], False),
        ("not_resolved", ["target_hardening_wraparound"], False),
        # Resolved, but not by keeping the tenant in their home (Stockport counted 68 of 129).
        ("positively_resolved", ["cpw_cpn"], False),
        ("positively_resolved", [], False),
    ],
)
def test_a_tenancy_saved(resolution: str, case_outcomes: list[str], saved: bool) -> None:
    assert tenancy_saved_rule().applies(resolution, case_outcomes) is saved
