"""Audit event types of the reporting app (see nestguard.audit.events)."""

from nestguard.audit.events import register

# Counts only, but who looked at (or took away) the partnership's picture, for which period,
# with which filters and in which format, is recorded like any other read (decision 0089).
register("report.read", "Viewed or exported a report (counts only)")
