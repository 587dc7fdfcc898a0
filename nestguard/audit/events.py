"""Audit event types of the audit app (see nestguard.audit.events)."""

from nestguard.audit.events import register  # noqa: F401
