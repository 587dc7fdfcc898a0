"""Every write of the retention app: the schedule, legal holds, and disposal."""

from nestguard.retention.services.holds import legal_hold_lift, legal_hold_place
from nestguard.retention.services.schedule import rule_update, schedule_load

__all__ = ["legal_hold_lift", "legal_hold_place", "rule_update", "schedule_load"]
