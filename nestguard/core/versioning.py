"""Optimistic concurrency: nothing lost when two people edit the same record at once.

A versioned record (`Versioned`) carries an integer `version`. The edit page and the API
carry the version the person started from; the service passes it as `expected_version=` to
`versioned_save`, which claims the next version with one conditional UPDATE
(`... SET version = version + 1 WHERE id = %s AND version = %s`). The database decides: of
two saves from the same version, in any processes, exactly one updates a row; the other
finds none and raises `ConflictError` before it writes anything (and so before any audit
event). Each save that passes records a `Revision` (who, when, which fields, their old and
new values), which is how a refused save can say what changed since its version.

Decision record: docs/decisions/0084-optimistic-concurrency.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from nestguard.core.models import Revision


class Versioned(models.Model):
    """A record whose edits are checked against the version the editor started from.

    `version_fields` names the fields a conflict reports (field -> label, in the order
    shown); `version_private` those whose values are not kept in its revisions (free text:
    a refused save says that it changed, and the record itself shows it)."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every save through a service; edits carry the version "
        "they started from and are refused when it has moved on",
    )

    version_noun: ClassVar[str] = "record"
    version_fields: ClassVar[dict[str, str]] = {}
    version_private: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def version_display(cls, field: str, value: Any) -> str | None:
        """A model's own wording for a stored value (a code list's label), or None."""
        return None


@dataclass(frozen=True)
class FieldChange:
    """One field changed since the editor's version. `old` and `new` are None for a
    private (free text) field, whose values are not repeated."""

    field: str
    label: str
    old: str | None
    new: str | None

    @property
    def sentence(self) -> str:
        if self.old is None or self.new is None:
            return f"{self.label} was changed."
        return f"{self.label} was {self.old}; it is now {self.new}."

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "old": self.old, "new": self.new}


class ConflictError(ValidationError):
    """The record moved on from the version the editor started from. Nothing was saved.

    A ValidationError, so every page and API view that shows a service's errors shows this
    one too (the error summary on pages, apply_service_errors; a 409 in the API, which
    checks for it first). Its non-field messages are the headline and one line per change.
    """

    def __init__(
        self,
        *,
        noun: str,
        expected_version: int | None,
        current_version: int,
        changed_by: str,
        changed_at: dt.datetime | None,
        changes: list[FieldChange],
    ) -> None:
        self.noun = noun
        self.expected_version = expected_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = changes
        self.headline = _headline(noun, changed_by, changed_at)
        super().__init__({NON_FIELD_ERRORS: [self.headline, *(c.sentence for c in changes)]})

    def as_dict(self) -> dict[str, Any]:
        """The API's 409 body."""
        return {
            "detail": self.headline,
            "code": "conflict",
            "version": self.current_version,
            "your_version": self.expected_version,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "changes": [c.as_dict() for c in self.changes],
        }


def _headline(noun: str, changed_by: str, changed_at: dt.datetime | None) -> str:
    who = f" by {changed_by}" if changed_by else ""
    when = ""
    if changed_at is not None:
        local = timezone.localtime(changed_at)
        when = f" at {local:%H:%M}"
        if local.date() != timezone.localdate():
            when += f" on {local:%-d %B %Y}"
    return (
        f"This {noun} was changed{who}{when} while you were editing. "
        "Your changes have not been saved."
    )


def record_type(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _stored(model: type[Versioned], field: str, value: Any) -> Any:
    """A field's value in JSON, to compare and (unless private) to keep."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _attname(model: type[models.Model], field: str) -> str:
    return model._meta.get_field(field).attname  # type: ignore[union-attr]


def _shown(model: type[Versioned], field: str, value: Any) -> str:
    """A kept value as a person reads it."""
    own = model.version_display(field, value)
    if own is not None:
        return own
    if value in (None, "", []):
        return "not set"
    django_field = model._meta.get_field(field)
    if isinstance(django_field, models.ForeignKey):
        related = django_field.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return str(related) if related is not None else "someone no longer recorded"
    choices = dict(getattr(django_field, "choices", None) or [])
    if choices:
        return str(choices.get(value, value))
    if isinstance(django_field, models.DateTimeField):
        return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%-d %B %Y at %H:%M}"
    if isinstance(django_field, models.DateField):
        return f"{dt.date.fromisoformat(value):%-d %B %Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _values(model: type[Versioned], pk: Any) -> dict[str, Any]:
    names = {field: _attname(model, field) for field in model.version_fields}
    row = model._default_manager.filter(pk=pk).values(*names.values()).get()
    return {field: _stored(model, field, row[attname]) for field, attname in names.items()}


def conflict_for(instance: Versioned, expected_version: int | None) -> ConflictError:
    """What happened to `instance`'s record since `expected_version`, from its revisions.
    Refreshes `instance` so that a page shown again shows the record as it now is."""
    model = type(instance)
    instance.refresh_from_db()
    revisions = list(
        Revision.objects.filter(
            record_type=record_type(model),
            record_id=instance.pk,
            version__gt=expected_version or 0,
        )
        .select_related("changed_by")
        .order_by("version")
    )
    merged: dict[str, list[Any]] = {}
    for revision in revisions:
        for field, (old, new) in revision.changes.items():
            merged.setdefault(field, [old, new])[1] = new
    changes = [
        FieldChange(
            field=field,
            label=label,
            old=None if field in model.version_private else _shown(model, field, merged[field][0]),
            new=None if field in model.version_private else _shown(model, field, merged[field][1]),
        )
        for field, label in model.version_fields.items()
        if field in merged
    ]
    last = revisions[-1] if revisions else None
    return ConflictError(
        noun=model.version_noun,
        expected_version=expected_version,
        current_version=instance.version,
        changed_by=str(last.changed_by) if last and last.changed_by else "",
        changed_at=last.changed_at if last else None,
        changes=changes,
    )


@contextmanager
def versioned_save(
    instance: Versioned, *, actor: Any, expected_version: int | None
) -> Iterator[None]:
    """Inside a service's `transaction.atomic()`, around its writes to `instance`:

        with transaction.atomic():
            with versioned_save(case, actor=actor, expected_version=expected_version):
                case.status = status
                case.save(update_fields=["status", "updated_at"])
            audit_record(...)

    On entry, claims the next version if the row is still at `expected_version` (None: the
    version `instance` was loaded with, for callers with no form of their own, such as
    commands and the demo) and sets `instance.version` to it, or raises `ConflictError`.
    On leaving without an exception, records the revision. The claim's row lock is held to the
    end of the transaction, so no one else changes the record in between.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("versioned_save runs inside the service's transaction.atomic()")
    model = type(instance)
    expected = instance.version if expected_version is None else expected_version
    claimed = model._default_manager.filter(pk=instance.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise conflict_for(instance, expected)
    before = _values(model, instance.pk)
    instance.version = expected + 1
    try:
        yield
    except BaseException:
        instance.version = expected  # the transaction rolls back; so does the instance
        raise
    after = _values(model, instance.pk)
    Revision.objects.create(
        record_type=record_type(model),
        record_id=instance.pk,
        version=instance.version,
        changed_by=actor if getattr(actor, "pk", None) else None,
        changes={
            field: [None, None] if field in model.version_private else [before[field], after[field]]
            for field in model.version_fields
            if before[field] != after[field]
        },
    )


def require_version(instance: Versioned, expected_version: int | None) -> None:
    """Refuse early, before a service checks its input against the record as it is now, so
    that an editor working from an old version hears about the conflict rather than about
    a rule the other person's change brought into play. `versioned_save` is the guarantee;
    this only puts its answer first. None: nothing to compare (see versioned_save)."""
    if expected_version is not None and expected_version != instance.version:
        raise conflict_for(instance, expected_version)
