"""Audit event types of the referrals app (see nestguard.audit.events)."""

from nestguard.audit.events import register  # noqa: F401
