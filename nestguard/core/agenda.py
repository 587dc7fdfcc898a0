"""Agenda sources: the registry a panel's self-building agenda draws on.

Each app that knows something a panel should discuss (new high-risk cases, cases due for
review, children with repeat missing episodes, repeat addresses, overdue actions) registers
a source under a code. A meeting type's agenda rules (data, in the panels app) name the
sources it uses and their parameters; the panels app calls them and turns what they return
into agenda items. A source never writes and returns only what the rule selects; who may read
the resulting agenda is decided by the panels app.

Registration happens at import of the app's `agenda.py` (imported from its AppConfig
`ready()`), e.g.::

    from nestguard.core.agenda import AgendaCandidate, register_agenda_source

    def _repeat_missing(*, as_of, params, scope):
        ...  # yield AgendaCandidate(...)

    register_agenda_source("repeat_missing", "Children with repeat missing episodes",
                           _repeat_missing)

Every source is called with a `scope=` keyword (an `AgendaScope`): the cases and people the
asking panel may draw on (those its member agencies may see under their agreements,
docs/decisions/0073-panels-see-what-members-may-see.md). A source selects only within it;
the panels app also drops any candidate naming a case or person outside it.

A source that must know which panel is asking (e.g. to leave out that panel's own overdue
actions) registers with `panel_context=True` and is then called with a `panel_id=` keyword
as well; other sources are called with `as_of` and `params` only, and `params` holds exactly
what the meeting type's rule gives the source.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class AgendaCandidate:
    """Something a rule proposes for discussion, with the reason in words."""

    source: str
    title: str
    reason: str
    case_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    address_id: uuid.UUID | None = None
    # A stable key so that one matter is proposed once per meeting, whichever rule finds it.
    key: str = ""


@dataclass(frozen=True)
class AgendaScope:
    """What a panel may draw on: querysets of the primary keys of the cases and of the people
    (usable in `pk__in=`). The panels app builds it; sources only filter by it."""

    case_ids: Any
    person_ids: Any


# Called as source(as_of=date, params=Mapping[str, Any], scope=AgendaScope).
AgendaSource = Callable[..., Iterable[AgendaCandidate]]


@dataclass(frozen=True)
class RegisteredAgendaSource:
    code: str
    label: str
    candidates: AgendaSource
    panel_context: bool = False

    def propose(
        self, *, as_of: date, params: Mapping[str, Any], scope: AgendaScope, panel_id: Any = None
    ) -> list[AgendaCandidate]:
        if self.panel_context:
            return list(self.candidates(as_of=as_of, params=params, scope=scope, panel_id=panel_id))
        return list(self.candidates(as_of=as_of, params=params, scope=scope))


_SOURCES: dict[str, RegisteredAgendaSource] = {}


def register_agenda_source(
    code: str, label: str, candidates: AgendaSource, *, panel_context: bool = False
) -> None:
    if code in _SOURCES and _SOURCES[code].candidates is not candidates:
        raise ValueError(f"agenda source {code!r} is registered twice")
    _SOURCES[code] = RegisteredAgendaSource(code, label, candidates, panel_context)


def agenda_source(code: str) -> RegisteredAgendaSource:
    try:
        return _SOURCES[code]
    except KeyError:
        raise KeyError(f"agenda source {code!r} is not registered") from None


def agenda_sources() -> list[RegisteredAgendaSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.code)


def candidates_for(
    code: str,
    *,
    as_of: date,
    params: Mapping[str, Any],
    scope: AgendaScope,
    panel_id: Any = None,
) -> list[AgendaCandidate]:
    return agenda_source(code).propose(as_of=as_of, params=params, scope=scope, panel_id=panel_id)
