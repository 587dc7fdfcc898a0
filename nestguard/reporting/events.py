"""Audit event types of the reporting app (see nestguard.audit.events)."""

from nestguard.audit.events import register

# Counts only, but who looked at the partnership's picture, for which period and filters, is
# recorded like any other read (decision 0093).
register("dashboard.read", "Viewed the partnership dashboard (counts only)")
