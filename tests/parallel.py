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
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JOURNEYS = ROOT / "tests" / "e2e"
VENV = ROOT / ".venv"


def _builds_a_shared_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture of module or package scope from this project's code
    (not from pytest or a plugin: those of session scope are per worker whatever we do)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for definitions in info.name2fixturedefs.values():
        for definition in definitions:
            code = getattr(definition.func, "__code__", None)
            if definition.scope in ("module", "package") and code is not None:
                source = Path(code.co_filename).resolve()
                if source.is_relative_to(ROOT) and not source.is_relative_to(VENV):
                    return True
    return False


# tryfirst: xdist's own hook turns the marks into group names, and the root conftest (which
# loads this plugin) is registered before xdist's worker, so a plain hook here would run after.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set on the workers of loadgroup
        return
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(JOURNEYS) or item.get_closest_marker("xdist_group"):
            continue
        if _builds_a_shared_fixture(item):
            item.add_marker(pytest.mark.xdist_group(f"module:{path.relative_to(ROOT)}"))
