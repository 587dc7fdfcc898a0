"""Extension points other apps register into (as `nestguard.core.clocks` does for clocks).

1. Timeline sources. The address page shows ONE timeline, newest first, of everything the
   viewer may see about a property. Each source answers for (user, address) with the entries
   that user may see, through its own app's selectors, in a fixed number of queries::

       from nestguard.places.registry import TimelineEntry, register_timeline_source

       def _enforcement(user, address):
           ...  # yield TimelineEntry(...) for the steps `user` may see at `address`

       register_timeline_source("enforcement", "Enforcement", _enforcement)

2. "Is this address under enforcement?" The displacement rule asks it. The enforcement app
   registers one function taking a collection of address ids and answering the subset under
   enforcement now::

       from nestguard.places.registry import register_enforcement_check

       register_enforcement_check(lambda address_ids: {...})

   Until one is registered, no address counts as under enforcement and the displacement rule
   relies on closed cuckooing cases alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TimelineEntry:
    """One event in a property's timeline. `url` opens the record (empty if none)."""

    source: str
    when: datetime
    title: str
    detail: str = ""
    url: str = ""
    tag: str = ""  # a short status shown as a GOV.UK tag ("Lapsed", "Open")
    tag_colour: str = ""  # a govuk-tag modifier: "red", "yellow", "grey", "green"


TimelineSource = Callable[[Any, Any], Iterable[TimelineEntry]]


@dataclass(frozen=True)
class RegisteredTimelineSource:
    code: str
    label: str
    entries: TimelineSource


_TIMELINE: dict[str, RegisteredTimelineSource] = {}


def register_timeline_source(code: str, label: str, entries: TimelineSource) -> None:
    if code in _TIMELINE and _TIMELINE[code].entries is not entries:
        raise ValueError(f"timeline source {code!r} is registered twice")
    _TIMELINE[code] = RegisteredTimelineSource(code, label, entries)


def timeline_sources() -> list[RegisteredTimelineSource]:
    return sorted(_TIMELINE.values(), key=lambda s: s.code)


def timeline_for(user: Any, address: Any) -> list[TimelineEntry]:
    """Every source's entries for this user at this address, newest first."""
    entries = [e for source in timeline_sources() for e in source.entries(user, address)]
    return sorted(entries, key=lambda e: e.when, reverse=True)


EnforcementCheck = Callable[[Collection[Any]], Collection[Any]]
_ENFORCEMENT: list[EnforcementCheck] = []


def register_enforcement_check(check: EnforcementCheck) -> None:
    if check not in _ENFORCEMENT:
        _ENFORCEMENT.append(check)


def unregister_enforcement_check(check: EnforcementCheck) -> None:
    """For tests that register a check of their own."""
    if check in _ENFORCEMENT:
        _ENFORCEMENT.remove(check)


def addresses_under_enforcement(address_ids: Collection[Any]) -> set[Any]:
    """The subset of `address_ids` that some registered check says is under enforcement."""
    found: set[Any] = set()
    if not address_ids:
        return found
    for check in _ENFORCEMENT:
        found.update(check(address_ids))
    return found & set(address_ids)
