"""Audit event types of the notifications app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("notification.preference", "Chose immediate emails or a daily summary")
register("notification.email", "Emailed a notification or a daily summary (references only)")
