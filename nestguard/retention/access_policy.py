"""Who sees the retention schedule, legal holds, disposal batches and certificates: data
protection officers only (the schedule itself is published in the record of processing,
but the holds name records under litigation or review, and the batches list records about
to be disposed of). Registered with the door from `RetentionConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from nestguard.access import door
from nestguard.retention.models import (
    DisposalBatch,
    DisposalCertificate,
    LegalHold,
    RetentionRule,
)
from nestguard.retention.services.schedule import may_manage_retention


def _officers_only(model: type[Model]) -> Any:
    def visible(user: Any) -> QuerySet[Any]:
        if not may_manage_retention(user):
            return model._default_manager.none()
        return model._default_manager.all()

    return visible


def register() -> None:
    door.register(door.Policy(RetentionRule, _officers_only(RetentionRule), read_event=None))
    for model in (LegalHold, DisposalBatch, DisposalCertificate):
        door.register(door.Policy(model, _officers_only(model), read_event="retention.view"))
