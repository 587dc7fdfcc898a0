"""The write side of a restriction of processing (UK GDPR Art. 18; decisions 0102 and 0111).

While a person's processing is restricted, the door hides them from reads (a restraint,
`door.add_restraint`); this module refuses the writes. Every service that changes a record
about a person calls one guard, before it writes:

    refuse_if_restricted(actor=actor, record=case)          # the people the case is about
    refuse_if_restricted(actor=actor, people=[person.pk])   # a person not yet linked

and the guard raises `ProcessingRestricted` (a `ValidationError` with one non-field message,
so a page shows it in its GOV.UK error summary and the API answers 400 with the reason)
when any of those people has an open restriction.

**Which people a record is about** is a registry, one line per record type, added by the
rights app (`rights/access_policy.py`, `RESTRICTED_WRITES`): a model and the ORM paths from
it to `people.Person` keys, e.g. `(Case, "subjects__person_id")`. A service calling the
guard with a record whose model is not registered fails loudly (`ImproperlyConfigured`), so
a new record type cannot be guarded by accident with nobody: add its line.

**What a restriction still allows** (Art. 18(2)): storage (nothing here stops a record being
kept, audited, disposed of or redacted); the rectification and restriction workflow itself
(the rights app's services do not call the guard); a data protection officer's writes (they
act for the person's rights); and a write the caller makes under one of the Art. 18(2)
grounds of `data/restricted_write_grounds.json` (consent, legal claims, protecting another
person, important public interest), named by `ground=`, which the guard records in the audit
trail (`processing_restriction.write_allowed`). No page offers a ground yet: a caseworker who
needs one asks the data protection officer, who may lift the restriction.

The guard does not import the rights app (which imports the apps it guards): the rights app
supplies the check (`add_restriction_check`), as it supplies the door's restraint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model

from nestguard.accounts.models import Role
from nestguard.audit.services import audit_record
from nestguard.core.codes import code_list

MESSAGE = (
    "Processing of {whom} records is restricted (UK GDPR Article 18): this change cannot be "
    "made. Ask the data protection officer."
)

# Which of these person keys have an open restriction (supplied by the rights app).
RestrictionCheck = Callable[[set[str]], set[str]]
_CHECKS: list[RestrictionCheck] = []
# The ORM paths from a record type to the keys of the people it is about.
_PATHS: dict[type[Model], tuple[str, ...]] = {}


class ProcessingRestricted(ValidationError):
    """A write refused because a person it touches is restricted; `people` are their keys."""

    def __init__(self, people: set[str]) -> None:
        whom = "this person's" if len(people) == 1 else "these people's"
        super().__init__(MESSAGE.format(whom=whom), code="processing_restricted")
        self.people = people


def add_restriction_check(check: RestrictionCheck) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def add_guarded(model: type[Model], *paths: str) -> None:
    """Register a record type: `paths` lead from it to person keys ("pk" for the person)."""
    _PATHS[model] = tuple(dict.fromkeys((*_PATHS.get(model, ()), *paths)))


def guarded_models() -> dict[type[Model], tuple[str, ...]]:
    return dict(_PATHS)


@cache
def write_grounds() -> frozenset[str]:
    return frozenset(code_list("access", "restricted_write_grounds").values)


def people_of(record: Model) -> set[str]:
    """The keys of the people `record` is about, by its registered paths."""
    paths = _PATHS.get(type(record))
    if paths is None:
        raise ImproperlyConfigured(
            f"{record._meta.label} is not registered with access.restricted_writes.add_guarded"
        )
    if record.pk is None:
        return set()
    found: set[str] = set()
    rows = type(record)._default_manager.filter(pk=record.pk)
    for path in paths:
        found.update(str(k) for k in rows.values_list(path, flat=True) if k is not None)
    return found


def restricted_among(people: Iterable[Any]) -> set[str]:
    keys = {str(k) for k in people if k is not None}
    if not keys:
        return set()
    restricted: set[str] = set()
    for check in _CHECKS:
        restricted |= check(keys)
    return restricted


def refuse_if_restricted(
    *,
    actor: Any,
    record: Model | None = None,
    records: Iterable[Model] = (),
    people: Iterable[Any] = (),
    ground: str | None = None,
) -> None:
    """Refuse the write when a person it touches is restricted, unless the law allows it
    (see the module's docstring). Call it inside the service, before writing."""
    keys = {str(k) for k in people if k is not None}
    for each in (record, *records):
        if each is not None:
            keys |= people_of(each)
    restricted = restricted_among(keys)
    if not restricted:
        return
    if actor is not None and actor.has_role(Role.DATA_PROTECTION_OFFICER):
        return
    if ground is not None:
        if ground not in write_grounds():
            raise ValidationError({"ground": ["Choose an Article 18(2) ground"]})
        for key in sorted(restricted):
            audit_record(
                actor=actor,
                action="processing_restriction.write_allowed",
                obj=None,
                object_type="person",
                object_id=key,
                purpose="data_protection",
                details={"ground": ground},
            )
        return
    raise ProcessingRestricted(restricted)
