"""What a subject access search gathers: a registry each app contributes to.

Every module of this package registers one or more sources with `register_source`; a new
app (intelligence, say) plugs in by adding one module here. A source reads only through
the door, with the purpose `subject_access`: `register_source(models=...)` gives each named
model a `subject_access` scope (every record, for a data protection officer, and nothing for
anyone else), so the search is a deliberate exception to need-to-know that the door knows of
and the audit trail records (decision 0102)::

    def _markers(user, subject):
        for marker in door.visible(user, WarningMarker, purpose=PURPOSE).filter(...):
            yield Found(...)

    register_source("warning_markers", "Warning markers", _markers, models=[WarningMarker])

`Subject` is the person asked about as the person index knows them: every Nestguard person
the index links to them (one cluster), and the agencies' source records in that cluster.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Model, QuerySet

from nestguard.access import door
from nestguard.accounts.models import Role

PURPOSE = "subject_access"


@dataclass(frozen=True)
class Subject:
    """The person a request is about, widened through the person index."""

    person_id: Any
    person_ids: tuple[Any, ...]
    cluster_ids: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Found:
    """One record held about the subject, as the disclosure shows it."""

    object_type: str
    object_id: str
    title: str
    held_by: str = ""
    fields: Sequence[tuple[str, str]] = field(default_factory=tuple)


Collect = Callable[[Any, Subject], Iterable[Found]]


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    collect: Collect


_SOURCES: dict[str, Source] = {}


def is_data_protection_officer(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.DATA_PROTECTION_OFFICER))


def _every_record_for_dpo(model: type[Model]) -> door.Visibility:
    def visible(user: Any) -> QuerySet[Any]:
        manager = model._default_manager
        return manager.all() if is_data_protection_officer(user) else manager.none()

    return visible


def open_to_subject_access(model: type[Model]) -> None:
    """Give `model` the door's `subject_access` scope (idempotent). Reads under it are
    audited by the search itself: one event naming what was found."""
    policy = door.policy_for(model)
    if PURPOSE not in policy.scopes:
        door.add_scope(model, PURPOSE, door.Scope(_every_record_for_dpo(model), read_event=None))


def register_source(
    code: str, label: str, collect: Collect, *, models: Sequence[type[Model]] = ()
) -> None:
    if code in _SOURCES and _SOURCES[code].collect is not collect:
        raise ValueError(f"subject access source {code!r} is registered twice")
    for model in models:
        open_to_subject_access(model)
    _SOURCES[code] = Source(code, label, collect)


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: s.code)


def load_sources() -> None:
    """Import every module of this package (each registers its sources)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def text(value: Any) -> str:
    """A value as the disclosure prints it."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return f"{value:%-d %B %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)


def fields_of(record: Any, names: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(label, value) for each (label, attribute) with a value."""
    pairs = ((label, text(getattr(record, attr, None))) for label, attr in names)
    return tuple((label, value) for label, value in pairs if value)
