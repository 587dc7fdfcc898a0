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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
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
class RegisteredClock:
    code: str
    label: str
    items: ClockSource


_SOURCES: dict[str, RegisteredClock] = {}


def register_clock_source(code: str, label: str, items: ClockSource) -> None:
    if code in _SOURCES and _SOURCES[code].items is not items:
        raise ValueError(f"clock source {code!r} is registered twice")
    _SOURCES[code] = RegisteredClock(code, label, items)


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
