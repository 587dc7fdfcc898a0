"""Reads of the operations records (no personal data: times, counts, table names)."""

from __future__ import annotations

from nestguard.operations.models import RestoreDrill


def latest_restore_drills(limit: int) -> list[RestoreDrill]:
    return list(RestoreDrill.objects.order_by("-started_at", "-id")[:limit])
