"""The demo partnership's project costs, entered by its partnership manager through the
service, one per financial year of the demo's history, so that the project evaluation
report has a cost-benefit for any period (decision 0092).

The amounts are made up in the proportion of the Stockport evaluation (shared seed 002): the
project's officer cost £27,705 over its first 18 months, about £18,500 a year; the demo's
years rise a little with pay awards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from nestguard.demo.partnership import Partnership
from nestguard.reporting.services.costs import project_cost_record

PROJECT = "Cuckooing and exploitation project"
YEARLY = (Decimal("18470.00"), Decimal("19025.00"), Decimal("19595.50"), Decimal("20183.37"))


def seed_project_costs(partnership: Partnership, today: date) -> int:
    """One cost per financial year (1 April to 31 March), the last being the current one."""
    manager = partnership.users["partnership.manager"]
    current = today.year if today.month >= 4 else today.year - 1
    first = current - len(YEARLY) + 1
    for year, amount in zip(range(first, current + 1), YEARLY, strict=True):
        project_cost_record(
            manager,
            project=PROJECT,
            starts_on=date(year, 4, 1),
            ends_on=date(year + 1, 3, 31),
            amount=amount,
            description=f"Exploitation protection officer post and leaflets, {year} to {year + 1}",
        )
    return len(YEARLY)
