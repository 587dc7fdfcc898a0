"""The frozen clock (decision 0086): every test runs at a known instant, never at "now".

Loaded by the root conftest.py. An autouse fixture travels (time-machine) to the test's instant
before the test's own fixtures run, with `tick=True`: the clock starts at the instant and then
runs, so durations, orderings and timeouts behave as they do for real (except at the
STILL_INSTANTS, a second before midnight, where it stands still).

Which instant:

- by default (`--clock-at=default`) every test starts at DEFAULT_INSTANT, an ordinary
  Wednesday morning, so hard-coded dates in tests mean the same thing every day of the year;
- `--clock-at=rotate` starts each test at one of the HOSTILE_INSTANTS (the last and first
  second of a UK day in summer time, when the UTC date differs; the nights the clocks change;
  New Year; 29 February; Christmas Eve), chosen by a stable hash of its node id, so one pass
  of the suite covers every instant; the clock-sensitive modules (CLOCK_SENSITIVE and tests
  marked `every_instant`) run at every one of them, except a test there that sets its own
  instant or runs at the real clock (nine runs of it would be one run nine times);
- `--clock-at=<name>` (a key of HOSTILE_INSTANTS) or `--clock-at=<ISO 8601 instant with an
  offset>` starts every test there; `--clock-at=real` leaves the clock alone.

The environment variable NESTGUARD_CLOCK_AT gives the default for `--clock-at`.

A test sets its own instant with time-machine's marker, `@pytest.mark.time_machine(...)`, or
moves the clock with the `clock` fixture (`clock.move_to(...)`, `clock.shift(...)`); a test
that must see the real clock says why with `@pytest.mark.real_clock("reason")`. The browser
journeys (marker `browser`) always run at the real clock: their server is another process
with the machine's clock, and the test computes one-time codes that must agree with it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

# Wednesday 2 December 2026, 10:30 in the UK (GMT, so UTC and UK agree): an ordinary working
# morning, no holiday in the same week, far from midnight and from a clock change.
DEFAULT_INSTANT = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)

# Moments that break naive code. All are given in UTC; the comment says what the UK sees.
HOSTILE_INSTANTS: dict[str, datetime] = {
    # Friday 31 July 2026 23:59:59 BST: the last second of a working day in summer time.
    "friday-2359-bst": datetime(2026, 7, 31, 22, 59, 59, tzinfo=UTC),
    # Saturday 1 August 2026 00:00:01 BST: a weekend in the UK, still Friday in UTC.
    "saturday-0000-bst": datetime(2026, 7, 31, 23, 0, 1, tzinfo=UTC),
    # Thursday 31 December 2026 23:59:59 GMT: the last second of the year.
    "new-year-2359": datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    # Friday 1 January 2027 00:00:01 GMT: a new year, and a bank holiday.
    "new-year-0000": datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC),
    # Sunday 29 March 2026 01:00 UTC: the clocks go forward (01:00 GMT becomes 02:00 BST);
    # that UK day has 23 hours.
    "clocks-forward": datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
    # Sunday 25 October 2026 00:30 UTC = 01:30 BST, the first of the two 01:30s that night.
    "clocks-back-first": datetime(2026, 10, 25, 0, 30, 0, tzinfo=UTC),
    # Sunday 25 October 2026 01:30 UTC = 01:30 GMT, the second 01:30; that UK day has 25 hours.
    "clocks-back-second": datetime(2026, 10, 25, 1, 30, 0, tzinfo=UTC),
    # Tuesday 29 February 2028, midday: a day that a year later or earlier does not have.
    "leap-day": datetime(2028, 2, 29, 12, 0, 0, tzinfo=UTC),
    # Thursday 24 December 2026 17:30 GMT: the evening before four days of holiday
    # (Christmas Day, Boxing Day on a Saturday so a substitute Monday, then the weekend).
    "christmas-eve": datetime(2026, 12, 24, 17, 30, 0, tzinfo=UTC),
}

# At these the clock stands still (tick=False): a test started at 23:59:59 with the clock
# running would cross midnight a second later, halfway through, and pass or fail by how fast
# the machine is rather than by what the code does. Standing still, the whole test happens in
# the last second of the day, which is what it is there to try.
STILL_INSTANTS = frozenset({HOSTILE_INSTANTS["friday-2359-bst"], HOSTILE_INSTANTS["new-year-2359"]})

# Modules whose every test runs at every hostile instant under --clock-at=rotate: the
# working-day calendar, enforcement periods and deadlines, due-and-overdue, the return home
# interview's 72 hours, warning marker reviews, panel action due dates. (The triage clock's
# tests in the referral services are marked `every_instant` one by one: the rest of that
# module is not about time, and nine times it would cost minutes.)
CLOCK_SENSITIVE = (
    "nestguard/core/tests/test_calendar.py",
    "nestguard/enforcement/tests/test_periods.py",
    "nestguard/enforcement/tests/test_command.py",
    "nestguard/enforcement/tests/test_services.py",
    "nestguard/pathways/tests/test_rules_and_clocks.py",
    "nestguard/pathways/tests/test_missing.py",
    "nestguard/places/tests/test_warnings.py",
    "nestguard/panels/tests/test_actions.py",
)

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        default=os.environ.get("NESTGUARD_CLOCK_AT", "default").strip() or "default",
        help=(
            "the instant every test starts at: default, rotate (each test at one of the "
            "hostile instants by a hash of its id; clock-sensitive modules at all of them), "
            f"one of {', '.join(HOSTILE_INSTANTS)}, an ISO 8601 instant with an offset, or "
            "real (default: $NESTGUARD_CLOCK_AT or 'default')"
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    mode(config)  # refuse a bad --clock-at before collecting anything
    config.addinivalue_line(
        "markers", "real_clock(reason): this test runs at the machine's real clock"
    )
    config.addinivalue_line(
        "markers", "every_instant: under --clock-at=rotate, run at every hostile instant"
    )


def mode(config: pytest.Config) -> str | datetime | None:
    """'rotate', a fixed instant, or None for the real clock."""
    value = str(config.getoption("--clock-at")).strip()
    if value == "rotate":
        return "rotate"
    if value == "real":
        return None
    if value == "default":
        return DEFAULT_INSTANT
    if value in HOSTILE_INSTANTS:
        return HOSTILE_INSTANTS[value]
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise pytest.UsageError(
            f"--clock-at={value!r}: use default, rotate, real, one of "
            f"{', '.join(HOSTILE_INSTANTS)}, or an ISO 8601 instant with an offset"
        )
    return instant.astimezone(UTC)


def rotated_instant(nodeid: str) -> datetime:
    """The hostile instant for a test under rotation: the same on every run and every worker."""
    # Without the `@<group>` a parallel worker adds (tests/parallel.py): the same instant with
    # and without xdist.
    if nodeid.rfind("@") > nodeid.rfind("]"):
        nodeid = nodeid.rsplit("@", 1)[0]
    digest = hashlib.sha256(nodeid.encode("utf-8")).digest()
    names = list(HOSTILE_INSTANTS)
    return HOSTILE_INSTANTS[names[int.from_bytes(digest[:8], "big") % len(names)]]


def _every_instant(metafunc: pytest.Metafunc) -> bool:
    if metafunc.definition.get_closest_marker("every_instant"):
        return True
    path = Path(str(metafunc.definition.path)).resolve()
    return any(path == ROOT / module for module in CLOCK_SENSITIVE)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if mode(metafunc.config) != "rotate" or "clock_instant" not in metafunc.fixturenames:
        return
    # A test that sets its own instant, or runs at the real clock, would run nine times alike.
    own_clock = any(
        metafunc.definition.get_closest_marker(name) for name in ("time_machine", "real_clock")
    )
    if _every_instant(metafunc) and not own_clock:
        metafunc.parametrize(
            "clock_instant",
            list(HOSTILE_INSTANTS.values()),
            ids=[f"at-{name}" for name in HOSTILE_INSTANTS],
        )


@pytest.fixture
def clock_instant(request: pytest.FixtureRequest) -> datetime | None:
    """The instant this test starts at (None: the real clock)."""
    chosen = mode(request.config)
    if chosen == "rotate":
        return rotated_instant(request.node.nodeid)
    return chosen if isinstance(chosen, datetime) else None


@pytest.fixture(autouse=True)
def clock(
    request: pytest.FixtureRequest, clock_instant: datetime | None
) -> Iterator[time_machine.Traveller | None]:
    """Travel to the test's instant, the clock running from there (None: not frozen)."""
    node = request.node
    own = (
        node.get_closest_marker("real_clock")
        or node.get_closest_marker("browser")
        or node.get_closest_marker("time_machine")
    )
    if own or clock_instant is None:
        yield None
        return
    tick = clock_instant not in STILL_INSTANTS
    with time_machine.travel(clock_instant, tick=tick) as traveller:
        yield traveller
