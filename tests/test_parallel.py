"""The parallel groups (tests/parallel.py, decision 0126): a module with a shared fixture, and
tests marked with one `xdist_group`, each run on one worker. Under pytest 9 xdist's own
grouping did nothing, silently; this is what would have shown it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLE = """
import os
import pytest

def note(tmp_dir, what):
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    with open(os.path.join(tmp_dir, what + "-" + os.environ["PYTEST_XDIST_WORKER"]), "a") as f:
        f.write(test + "\\n")
    with open(os.path.join(tmp_dir, "started-" + os.environ["PYTEST_XDIST_WORKER"]), "a") as f:
        f.write(test.rsplit("@", 1)[0] + "\\n")
"""


def test_a_shared_fixture_and_a_marked_group_each_stay_on_one_worker(pytester, monkeypatch):  # type: ignore[no-untyped-def]
    notes = _sample_suite(pytester, monkeypatch)
    result = pytester.runpytest_subprocess(
        "-p", "no:django", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v"
    )
    result.assert_outcomes(passed=26)
    result.stdout.fnmatch_lines(
        ["*test_shared?0?@module:test_b_shared.py*", "*test_marked?0?@together*"]
    )
    on = {kind: sorted(p.name for p in notes.glob(f"{kind}-*")) for kind in ("shared", "marked")}
    assert len(on["shared"]) == 1, on
    assert len(on["marked"]) == 1, on


def test_the_costliest_unit_of_work_starts_first(pytester, monkeypatch):  # type: ignore[no-untyped-def]
    """A slow test collected last, alone in its unit, starts first rather than last (by count,
    xdist would hand it out after both groups of eight and every plain test)."""
    notes = _sample_suite(pytester, monkeypatch)
    costs = pytester.path / "costs.json"
    table = {"test_z_slow.py": 60, "test_y_empties.py": 100}
    costs.write_text(json.dumps({"default": 0.3, "seconds_per_test": table}))
    monkeypatch.setenv("NESTGUARD_TEST_COSTS", str(costs))
    result = pytester.runpytest_subprocess(
        "-p", "no:django", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup"
    )
    result.assert_outcomes(passed=26)
    started = {p.name: p.read_text().splitlines() for p in notes.glob("started-*")}
    assert sum(len(tests) for tests in started.values()) == 26, started
    # The first test of one worker (by count it would be the last of one).
    assert "test_z_slow.py::test_slow" in [tests[0] for tests in started.values()], started
    # The costliest of all, but it empties the database: the last test of its worker.
    assert "test_y_empties.py::test_empties" in [t[-1] for t in started.values()], started


def test_units_are_ordered_by_what_their_tests_cost() -> None:
    from tests.parallel import costliest_first, measured_costs

    costs = (0.5, {"e2e/a.py": 20.0, "faults.py": 60.0, "quick.py": 0.1})
    units = {
        "quick.py::t[1]": {"quick.py::t[1]": False},
        "browser": {"e2e/a.py::j1@browser": False, "e2e/a.py::j2@browser": False},
        "module:quick.py": {f"quick.py::q[{n}]@module:quick.py": False for n in range(90)},
        "other.py::t": {"other.py::t": False},  # not in the table: the default
        "module:faults.py": {"faults.py::f@module:faults.py": False},
        "quick.py::t[2]": {"quick.py::t[2]": False},
    }
    last = {**units, "empties-the-database": {"faults.py::e": False}}
    assert costliest_first(last, costs) == [
        "module:faults.py",  # 60
        "browser",  # 40
        "module:quick.py",  # 9
        "other.py::t",  # 0.5
        "quick.py::t[1]",  # 0.1, in the order given
        "quick.py::t[2]",
        "empties-the-database",  # 60, but last whatever it costs
    ]
    log = "\n".join([
        "[gw0] [ 50%] PASSED a.py::t[x y]@module:a.py ",
        "[gw1] [100%] PASSED a.py::u ",
        "[gw1] [100%] PASSED b.py::v ",
        "1.50s setup    a.py::t[x y]@module:a.py",
        "0.50s call     a.py::t[x y]@module:a.py",
        "1.00s call     a.py::u",
    ])  # fmt: skip
    assert measured_costs(log) == {"a.py": 1.5, "b.py": 0.0}


def _sample_suite(pytester, monkeypatch):  # type: ignore[no-untyped-def]
    """Three modules of eight tests (plain, sharing a module fixture, marked with one group),
    a test that empties the database, and one slow test collected last; each notes where it
    ran, and each worker the order it ran them in."""
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("NESTGUARD_TEST_COSTS", raising=False)
    notes = pytester.mkdir("notes")
    monkeypatch.setenv("NOTES", str(notes))
    pytester.makeconftest(
        """
        import pytest

        pytest_plugins = ["tests.parallel"]

        @pytest.fixture
        def transactional_db():  # pytest-django's name: the test empties the database
            return None
        """
    )
    pytester.makepyfile(
        helper=SAMPLE,
        test_a_plain="""
        import os, pytest
        from helper import note

        @pytest.mark.parametrize("n", range(8))
        def test_plain(n):
            note(os.environ["NOTES"], "plain")
        """,
        test_b_shared="""
        import os, pytest
        from helper import note

        @pytest.fixture(scope="module")
        def shared():
            return "built once"

        @pytest.mark.parametrize("n", range(8))
        def test_shared(shared, n):
            note(os.environ["NOTES"], "shared")
        """,
        test_c_marked="""
        import os, pytest
        from helper import note

        @pytest.mark.xdist_group("together")
        @pytest.mark.parametrize("n", range(8))
        def test_marked(n):
            note(os.environ["NOTES"], "marked")
        """,
        test_y_empties="""
        import os
        from helper import note

        def test_empties(transactional_db):
            note(os.environ["NOTES"], "empties")
        """,
        test_z_slow="""
        import os
        from helper import note

        def test_slow():
            note(os.environ["NOTES"], "slow")
        """,
    )
    return notes


@pytest.mark.parametrize("nodeid", ["a.py::t[x]", "a.py::t[x]@module:a.py", "a.py::t[x]@browser"])
def test_the_rotated_instant_is_the_same_with_or_without_a_group(nodeid: str) -> None:
    from tests.frozen_clock import rotated_instant

    assert rotated_instant(nodeid) == rotated_instant("a.py::t[x]")
