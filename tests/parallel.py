"""How the suite is shared between parallel workers (decisions 0086 and 0126).

Loaded by the root conftest.py. Under `--dist loadgroup` every test is its own unit of work
unless it carries an `xdist_group` mark, so the tests of one module are spread over all the
workers, and a module-scoped fixture is built once on each worker that runs any of them. Some
of those fixtures are the costliest things in the suite: a seeded borough (the query plans), a
migrated database with a register of addresses (the fault tests), a live instance and its
backup (backup and restore), a database for the job queue's restarts, a trained linkage model.
Building them once per worker instead of once costs minutes of CPU a pass, so this plugin keeps
each such module on one worker: every test whose fixtures include one of module (or package)
scope defined in this project goes in the group `module:<path>`. The scheduler hands out the
costliest units of work first (below), so a long module starts early rather than holding the
last worker at the end.

The browser journeys are left alone: their conftest puts all of them in the one group
`browser` (one server for all of them), and a second group name on an item would split it.

Costliest first (decision 0128): xdist's `loadgroup` hands out units of work (a group, or one
ungrouped test) largest first by their number of tests, and the rest in collection order. By
count, 92 quick reporting tests outrank the four fault tests that take four minutes, and a
slow test collected last (a throwaway PostgreSQL cluster, an access table's first page) starts
last. Here the scheduler orders the units by what they cost instead: each test costs the mean
seconds its module took in a measured pass (tests/costs.json; a module not listed costs the
default), a unit the sum of its tests. The longest units start first, the quick single tests
fill in at the end, and the workers finish together (longest processing time first).

A test that empties the database (pytest-django's `transactional_db`, `live_server`, or
`django_db(transaction=True)`) ends by deleting every row of its worker's test database, the
rows the migrations put there included (the training courses, the retention schedule).
pytest-django runs such tests after every other database test for that reason, and xdist's
collection order kept them there; costliest first would not. So they go in one group,
EMPTIES_THE_DATABASE, handed out last: the worker that takes it is given nothing after it.

It also writes each group into its tests' ids (`<id>@<group>`, which the scheduler reads):
xdist 3.8 does that through an attribute pytest 9 no longer reads, so under pytest 9 no group,
the journeys' included, had ever taken effect.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

JOURNEYS = Path(__file__).resolve().parent / "e2e"
# What each module's tests cost; NESTGUARD_TEST_COSTS names another table (tests/test_parallel.py).
# The group of the tests that empty the database, handed out last (see above).
EMPTIES_THE_DATABASE = "empties-the-database"
COSTS = Path(os.environ.get("NESTGUARD_TEST_COSTS") or JOURNEYS.parent / "costs.json")


def _builds_a_shared_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture of module or package scope from this project's code
    (not from pytest or a plugin: those of session scope are per worker whatever we do)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    root = item.config.rootpath
    for definitions in info.name2fixturedefs.values():
        for definition in definitions:
            code = getattr(definition.func, "__code__", None)
            if definition.scope in ("module", "package") and code is not None:
                source = Path(code.co_filename).resolve()
                if source.is_relative_to(root) and not source.is_relative_to(root / ".venv"):
                    return True
    return False


def _empties_the_database(item: pytest.Item) -> bool:
    """Whether the test ends by emptying its database, as pytest-django decides it."""
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    from pytest_django.plugin import validate_django_db

    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


def _group_of(item: pytest.Item) -> str | None:
    names = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group") if mark.args})
    return "_".join(names) or None


def _with_group(item: pytest.Item, group: str) -> None:
    """Put the group in the test's id, as xdist's worker means to (`<id>@<group>`, which the
    scheduler reads). xdist 3.8 writes `item._nodeid`, an attribute pytest 9 no longer reads
    (the id lives in `item._id`), so without this every group is silently ignored: the
    journeys ran on every worker, each starting its own server (decision 0126)."""
    if "@" in item.nodeid.rsplit("]", 1)[-1]:
        return  # an xdist that names groups itself already did
    if hasattr(item, "_id"):
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(f"{item.nodeid}@{group}")
    else:
        item._nodeid = f"{item.nodeid}@{group}"  # pytest before 9


# trylast: after the journeys' conftest has marked them (and after xdist's own attempt).
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set on the workers of loadgroup
        return
    for item in items:
        ungrouped = not item.get_closest_marker("xdist_group")
        journey = Path(str(item.path)).resolve().is_relative_to(JOURNEYS)
        if ungrouped and _empties_the_database(item):
            item.add_marker(pytest.mark.xdist_group(EMPTIES_THE_DATABASE))
        elif ungrouped and not journey and _builds_a_shared_fixture(item):
            module = item.nodeid.split("::", 1)[0]
            item.add_marker(pytest.mark.xdist_group(f"module:{module}"))
        group = _group_of(item)
        if group:
            _with_group(item, group)


# --- Costliest first (decision 0128) -------------------------------------------------------


@cache
def _costs(path: Path = COSTS) -> tuple[float, Mapping[str, float]]:
    """(the default, seconds per test by module path) from tests/costs.json."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0.3, {}
    return float(table.get("default", 0.3)), dict(table.get("seconds_per_test", {}))


def cost_of(nodeid: str, costs: tuple[float, Mapping[str, float]] | None = None) -> float:
    """What a test is expected to take: the measured mean of its module, or the default."""
    default, per_test = costs or _costs()
    return per_test.get(nodeid.split("::", 1)[0], default)


def costliest_first(
    units: Mapping[str, Mapping[str, bool]],
    costs: tuple[float, Mapping[str, float]] | None = None,
) -> list[str]:
    """The units of work (scope → its test ids), longest expected first, the tests that empty
    the database last; units that cost the same keep their order (collection order, or xdist's
    largest-first before it)."""
    cost = {scope: sum(cost_of(test, costs) for test in tests) for scope, tests in units.items()}
    return sorted(units, key=lambda scope: (scope == EMPTIES_THE_DATABASE, -cost[scope]))


def _costliest_first_scheduling(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadGroupScheduling

    class CostliestFirst(LoadGroupScheduling):  # type: ignore[misc]
        """`loadgroup`, with its queue of units put in costliest-first order just before the
        first unit is handed out (the queue is built, in xdist's order, once every worker has
        collected; everything else is xdist's own)."""

        ordered = False

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:
                self.ordered = True
                for scope in costliest_first(self.workqueue):
                    self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return CostliestFirst(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """On the controller of `-n N --dist loadgroup`: xdist's scheduler, costliest unit first."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return _costliest_first_scheduling(config, log)


def measured_costs(log: str) -> dict[str, float]:
    """Mean seconds per test by module from the output of a `-v --durations=0` run
    (setup + call + teardown; a test whose phases were too quick to be listed costs 0)."""
    spent: defaultdict[str, float] = defaultdict(float)
    ran: set[str] = set()
    for line in log.splitlines():
        if timed := re.match(r"^([\d.]+)s (?:setup|call|teardown)\s+(.+?)\s*$", line):
            spent[timed.group(2)] += float(timed.group(1))
        elif done := re.match(r"^\[gw\d+\] \[\s*\d+%\] [A-Z]+ (.+?)\s*$", line):
            ran.add(done.group(1))
    total: defaultdict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for nodeid in ran:
        module = nodeid.split("::", 1)[0]
        total[module] += spent.get(nodeid, 0.0)
        count[module] += 1
    return {module: round(total[module] / count[module], 2) for module in sorted(total)}


if __name__ == "__main__":  # python -m tests.parallel LOG > tests/costs.json
    table = json.loads(COSTS.read_text(encoding="utf-8"))
    table["seconds_per_test"] = measured_costs(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(table, indent=1))
