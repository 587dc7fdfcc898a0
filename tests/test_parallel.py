"""The parallel groups (tests/parallel.py, decision 0126): a module with a shared fixture, and
tests marked with one `xdist_group`, each run on one worker. Under pytest 9 xdist's own
grouping did nothing, silently; this is what would have shown it."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = """
import os
import pytest

def note(tmp_dir, what):
    with open(os.path.join(tmp_dir, what + "-" + os.environ["PYTEST_XDIST_WORKER"]), "a") as f:
        f.write(os.environ.get("PYTEST_CURRENT_TEST", "") + "\\n")
"""


def test_a_shared_fixture_and_a_marked_group_each_stay_on_one_worker(pytester, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    notes = pytester.mkdir("notes")
    monkeypatch.setenv("NOTES", str(notes))
    pytester.makeconftest('pytest_plugins = ["tests.parallel"]')
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
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:django", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v"
    )
    result.assert_outcomes(passed=24)
    result.stdout.fnmatch_lines(
        ["*test_shared?0?@module:test_b_shared.py*", "*test_marked?0?@together*"]
    )
    on = {kind: sorted(p.name for p in notes.glob(f"{kind}-*")) for kind in ("shared", "marked")}
    assert len(on["shared"]) == 1, on
    assert len(on["marked"]) == 1, on


@pytest.mark.parametrize("nodeid", ["a.py::t[x]", "a.py::t[x]@module:a.py", "a.py::t[x]@browser"])
def test_the_rotated_instant_is_the_same_with_or_without_a_group(nodeid: str) -> None:
    from tests.frozen_clock import rotated_instant

    assert rotated_instant(nodeid) == rotated_instant("a.py::t[x]")
