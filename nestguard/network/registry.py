"""The link registry (decision 0098).

Two registers:

- entity kinds: what a node is (its model and how it is labelled and linked to);
- link sources: each kind of record that gives rise to links registers a function that yields
  the link specs of one record, the model the door sees it through (a link is visible when
  its source record is, decision 0099), and the models whose saves change its links.

An app that brings a new record (the intelligence share) adds one small module that calls
`register_source`, and `links_rebuild` derives its links like every other's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Ref:
    """One end of a link: an entity of a kind."""

    kind: str
    id: uuid.UUID


@dataclass(frozen=True)
class LinkSpec:
    a: Ref
    b: Ref
    on: date
    role: str = ""
    grade: str = ""


@dataclass(frozen=True)
class EntityKind:
    code: str
    model: type[Model]
    label: Callable[[Any], str]
    # The page that shows the entity in full (for the links in the network's table), if any.
    url_name: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    model: type[Model]
    derive: Callable[[Any], Iterable[LinkSpec]]
    # Every record of the kind, for a rebuild (the derive function's joins preloaded).
    records: Callable[[], QuerySet[Any]]
    # Saves of these models change the links of a record: model -> the record(s) concerned.
    triggers: dict[type[Model], Callable[[Any], Any]] = field(default_factory=dict)
    # The keys of the records of this kind `user` may see (a queryset of "pk" values); by
    # default the door's `visible(user, model, purpose="network")`.
    visible_ids: Callable[[Any], QuerySet[Any]] | None = None


_KINDS: dict[str, EntityKind] = {}
_SOURCES: dict[str, Source] = {}


def register_kind(kind: EntityKind) -> None:
    _KINDS[kind.code] = kind


def register_source(source: Source) -> None:
    _SOURCES[source.kind] = source


def kinds() -> dict[str, EntityKind]:
    return dict(_KINDS)


def kind(code: str) -> EntityKind:
    return _KINDS[code]


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


def source(kind: str) -> Source:
    return _SOURCES[kind]
