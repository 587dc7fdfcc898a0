"""The frozen clock itself (tests/frozen_clock.py, decision 0086)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tests.frozen_clock import DEFAULT_INSTANT, HOSTILE_INSTANTS, rotated_instant


def test_a_test_starts_at_its_instant_and_the_clock_runs(clock_instant: dt.datetime) -> None:
    now = timezone.now()
    assert clock_instant is not None
    assert clock_instant <= now < clock_instant + dt.timedelta(minutes=5)
    assert dt.datetime.now(dt.UTC) >= now
    assert abs(time.time() - now.timestamp()) < 300
    assert dt.date.today() == dt.datetime.now().date()


def test_the_rotation_is_stable_and_covers_every_instant() -> None:
    ids = [f"tests/test_x.py::test_{n}" for n in range(400)]
    assert [rotated_instant(i) for i in ids] == [rotated_instant(i) for i in ids]
    assert {rotated_instant(i) for i in ids} == set(HOSTILE_INSTANTS.values())


def test_the_hostile_instants_are_what_their_names_say() -> None:
    uk = {
        name: at.astimezone(timezone.get_default_timezone())
        for name, at in HOSTILE_INSTANTS.items()
    }
    assert uk["friday-2359-bst"].strftime("%A %H:%M:%S %Z") == "Friday 23:59:59 BST"
    assert uk["saturday-0000-bst"].strftime("%A %H:%M:%S %Z") == "Saturday 00:00:01 BST"
    assert HOSTILE_INSTANTS["saturday-0000-bst"].date() != uk["saturday-0000-bst"].date()
    assert uk["clocks-forward"].strftime("%H:%M %Z") == "02:00 BST"
    assert uk["clocks-back-first"].strftime("%H:%M %Z") == "01:30 BST"
    assert uk["clocks-back-second"].strftime("%H:%M %Z") == "01:30 GMT"
    assert (uk["leap-day"].month, uk["leap-day"].day) == (2, 29)
    assert (uk["christmas-eve"].month, uk["christmas-eve"].day) == (12, 24)
    assert DEFAULT_INSTANT.astimezone(timezone.get_default_timezone()).strftime("%A") == "Wednesday"


@pytest.mark.time_machine(dt.datetime(2031, 5, 6, 7, 8, tzinfo=dt.UTC))
def test_a_test_may_set_its_own_instant() -> None:
    assert timezone.now().date() == dt.date(2031, 5, 6)


def test_a_test_may_move_the_clock(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert timezone.now().year == 2030


@pytest.mark.real_clock("shows the opt-out")
def test_a_test_may_see_the_real_clock(clock) -> None:  # type: ignore[no-untyped-def]
    assert clock is None


def test_the_rotation_runs_clock_sensitive_tests_at_every_instant(pytester, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The plugin end to end, in a pytest of its own: under --clock-at=rotate a test marked
    every_instant runs once per hostile instant and sees that instant; another test runs
    once, at the instant its id hashes to; --clock-at=default freezes both at the default."""
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delenv("NESTGUARD_CLOCK_AT", raising=False)
    pytester.makeconftest('pytest_plugins = ["tests.frozen_clock"]')
    pytester.makepyfile(
        test_sample="""
        import datetime as dt
        import pytest
        from tests.frozen_clock import HOSTILE_INSTANTS, rotated_instant

        @pytest.mark.every_instant
        def test_every(clock_instant):
            assert clock_instant in HOSTILE_INSTANTS.values()
            assert abs(dt.datetime.now(dt.UTC) - clock_instant) < dt.timedelta(minutes=1)

        def test_once(request, clock_instant):
            assert clock_instant == rotated_instant(request.node.nodeid)
            assert abs(dt.datetime.now(dt.UTC) - clock_instant) < dt.timedelta(minutes=1)

        @pytest.mark.every_instant
        @pytest.mark.real_clock("at the machine's clock: nine runs would be one run nine times")
        def test_real(clock):
            assert clock is None
        """
    )
    rotated = pytester.runpytest_subprocess("-p", "no:django", "--clock-at=rotate", "-v")
    rotated.assert_outcomes(passed=len(HOSTILE_INSTANTS) + 2)
    rotated.stdout.fnmatch_lines(["*test_every?at-leap-day? PASSED*", "*test_real PASSED*"])
    plain = pytester.runpytest_subprocess("-p", "no:django", "--clock-at=default")
    plain.assert_outcomes(failed=2, passed=1)  # both at the default instant, not a hostile one
    wrong = pytester.runpytest_subprocess("-p", "no:django", "--clock-at=someday")
    assert wrong.ret == pytest.ExitCode.USAGE_ERROR
