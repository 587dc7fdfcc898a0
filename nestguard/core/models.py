"""The base of every domain model, and the counters behind human-readable references."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone


class BaseModel(models.Model):
    """UUID keys (nothing guessable in a URL) and creation/update times.

    `created_at` has a default rather than auto_now_add so that imports and the demo
    borough can record when something really happened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Sequence(models.Model):
    """A named counter for references people read aloud on the phone (REF-000123)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def next_values(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive values of a counter; safe under concurrent writers."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        end = Sequence.objects.get(name=name).value
    return range(end - count + 1, end + 1)


def next_reference(name: str, prefix: str) -> str:
    return format_reference(prefix, next_values(name)[0])


def format_reference(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


class Revision(models.Model):
    """One save of a versioned record through its service (`core.versioning`): who, when,
    and each field it changed as [old, new], or [null, null] for free text, whose values are
    not copied here. A save refused as stale reads these to say what changed since."""

    record_type = models.CharField(max_length=60, help_text="app_label.model")
    record_id = models.UUIDField()
    version = models.PositiveIntegerField(help_text="The version this save produced")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "version"], name="core_revision_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} v{self.version}"
