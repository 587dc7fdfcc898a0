"""Audit event types of the places app (see nestguard.audit.events)."""

from nestguard.audit.events import register  # noqa: F401
