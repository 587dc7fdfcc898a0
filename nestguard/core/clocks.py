"""Clocks in one place: every app that keeps a deadline registers a source of due items.

The "due and overdue" view asks each registered source for the items a user may see and
orders them by urgency. A source reads through the access selectors of its own app, so the
view never shows what its viewer could not open; it never writes.

A source yields its items most urgent first (the view keeps the first
`max_items_per_source` of each). An app registers its source once, at import of its
`clocks.py` (imported from its AppConfig `ready()`), e.g.::

    from nestguard.core.clocks import DueItem, register_clock_source

    def _return_interviews(user, *, team=False):
        ...  # yield DueItem(...) for what `user` (or their team) must do

    register_clock_source("return_interview", "Return home interviews", _return_interviews)

A source that is costly to build item by item may also register `rows`: the due times of its
first items, read cheaply, and a way to build only the items a page shows (`DueRows`,
decision 0136). The view then counts and orders on the due times and builds its one page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from nestguard.accounts.models import User


@dataclass(frozen=True)
class DueItem:
    """One thing with a deadline. `url` opens the record it belongs to."""

    source: str
    title: str
    due_at: datetime
    url: str
    owner_label: str = ""
    rule: str = ""  # the rule behind the deadline, in words (e.g. "5 working days")

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.due_at < (now or timezone.now())


# A source answers for one user; with team=True, for the teams and agency the user works in.
ClockSource = Callable[..., Iterable[DueItem]]


@dataclass(frozen=True)
class DueRows:
    """A source's first items as their due times, most urgent first (what its `items` would
    yield, in the same order), and `build(start, stop)`: the items from `start` to `stop` of
    that list, built only when a page shows them (decision 0136)."""

    due: Sequence[datetime]
    build: Callable[[int, int], list[DueItem]]


# Called as rows(user, team=..., limit=...): at most `limit` items.
RowsSource = Callable[..., DueRows]

# What a `rows` source answers for a user it has nothing for.
NO_DUE_ROWS = DueRows((), lambda start, stop: [])


@dataclass(frozen=True)
class RegisteredClock:
    code: str
    label: str
    items: ClockSource
    rows: RowsSource | None = None


_SOURCES: dict[str, RegisteredClock] = {}


def register_clock_source(
    code: str, label: str, items: ClockSource, *, rows: RowsSource | None = None
) -> None:
    if code in _SOURCES and _SOURCES[code].items is not items:
        raise ValueError(f"clock source {code!r} is registered twice")
    _SOURCES[code] = RegisteredClock(code, label, items, rows)


def clock_sources() -> list[RegisteredClock]:
    return sorted(_SOURCES.values(), key=lambda s: s.code)


def due_items(user: User, *, team: bool = False, per_source: int | None = None) -> list[DueItem]:
    """Everything due for the user (or their team) across the registered sources, most urgent
    first: the longest overdue at the top, then what falls due soonest. With `per_source`, at
    most that many of each source (a source yields its items most urgent first), so that a
    source which does not limit itself cannot grow the page with the borough."""
    items = [
        item
        for source in clock_sources()
        for item in islice(source.items(user, team=team), per_source)
    ]
    return sorted(items, key=lambda item: item.due_at)


@dataclass(frozen=True)
class DuePage:
    """One page of `due_items`' list, with what the page says of the whole list."""

    items: list[DueItem]
    total: int
    overdue: int


def due_page(
    user: User, *, team: bool, per_source: int, start: int, size: int, now: datetime
) -> DuePage:
    """Items `start` to `start + size` of `due_items(user, team=team, per_source=per_source)`,
    its length and how many of it are overdue at `now`, building only the page's items from
    the sources that register `rows` (decision 0136). The whole list is ordered on due times
    alone: the entries `(due, source, position)` sort as `due_items` sorts (stably, by due
    time, ties in the sources' order and then each source's own), and a source's items are
    built only for the positions the page shows."""
    entries: list[tuple[datetime, int, int]] = []
    builders: list[Callable[[int, int], list[DueItem]]] = []
    for number, source in enumerate(clock_sources()):
        answer = _answer(source, user, team=team, per_source=per_source)
        builders.append(answer.build)
        entries.extend((due, number, position) for position, due in enumerate(answer.due))
    entries.sort(key=lambda entry: entry[0])
    shown = entries[start : start + size]
    built: dict[tuple[int, int], DueItem] = {}
    for number, group in groupby(sorted(shown, key=lambda e: (e[1], e[2])), key=lambda e: e[1]):
        positions = [position for _, _, position in group]
        # A page holds a run of each source's list (entries of one source are in its order).
        first = positions[0]
        for offset, item in enumerate(builders[number](first, positions[-1] + 1)):
            built[(number, first + offset)] = item
    return DuePage(
        # An item that changed between the two reads is left out rather than shown wrongly.
        items=[built[(n, p)] for _, n, p in shown if (n, p) in built],
        total=len(entries),
        overdue=sum(1 for due, _, _ in entries if due < now),
    )


def _answer(source: RegisteredClock, user: User, *, team: bool, per_source: int) -> DueRows:
    """The source's `rows`, or its items read and ordered here (a source without `rows`, or
    whose due times are not in order: `sorted` keeps the order `due_items` gives them)."""
    if source.rows is not None:
        rows = source.rows(user, team=team, limit=per_source)
        if all(a <= b for a, b in zip(rows.due, rows.due[1:], strict=False)):
            return rows
    items = sorted(islice(source.items(user, team=team), per_source), key=lambda i: i.due_at)
    return DueRows([item.due_at for item in items], lambda a, b: items[a:b])
