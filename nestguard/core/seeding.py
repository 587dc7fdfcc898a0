"""Records a release brings as data, added after `migrate` when the database lacks them.

Some lists are the partnership's to keep (the glossary's terms, the services directory): the
release's data file only supplies the entries the database does not have yet, by their key,
and an entry that exists is never changed, so the partnership's edits survive upgrades. Not
audited: the release's own rows, loaded as migrations load their data (the file's history is
in the repository); the partnership's edits go through audited services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import AppConfig
from django.db import models
from django.db.models.signals import post_migrate


def load_missing(
    model: type[models.Model], rows: Iterable[dict[str, Any]], *, key: str, using: str = "default"
) -> int:
    """Add the `rows` (field values) whose `key` the table lacks; never touch one it has.
    Returns how many were added."""
    have = set(model._default_manager.using(using).values_list(key, flat=True))
    missing = [model(**row) for row in rows if row[key] not in have]
    if missing:
        model._default_manager.using(using).bulk_create(missing)
    return len(missing)


def load_after_migrate(app: AppConfig, loader: Callable[..., int]) -> None:
    """Run `loader(using=...)` after every `migrate` of `app` (from its `ready`)."""

    def _after(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
        loader(using=using)

    # The receiver is held strongly (weak=False): it is a closure with no other owner.
    post_migrate.connect(_after, sender=app, weak=False, dispatch_uid=f"{app.label}-load-missing")
