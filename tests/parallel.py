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
largest groups first (xdist's `--loadscope-reorder`, on by default), so a long module starts
early rather than holding the last worker at the end.

The browser journeys are left alone: their conftest puts all of them in the one group
`browser` (one server for all of them), and a second group name on an item would split it.

It also writes each group into its tests' ids (`<id>@<group>`, which the scheduler reads):
xdist 3.8 does that through an attribute pytest 9 no longer reads, so under pytest 9 no group,
the journeys' included, had ever taken effect.
"""

from __future__ import annotations

from pathlib import Path

import pytest

JOURNEYS = Path(__file__).resolve().parent / "e2e"


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
        if ungrouped and not journey and _builds_a_shared_fixture(item):
            module = item.nodeid.split("::", 1)[0]
            item.add_marker(pytest.mark.xdist_group(f"module:{module}"))
        group = _group_of(item)
        if group:
            _with_group(item, group)
