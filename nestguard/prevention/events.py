"""Audit event types of the prevention app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("housing_signal.import", "Received housing signals from a housing agency")
register("prevention.build", "Built the weekly prevention list")
register("prevention.purge", "Deleted housing signals and prevention entries past retention")
register(
    "prevention_entry.view",
    "Viewed a prevention list entry with the signals that put it there",
    reads_personal_data=True,
)
register("prevention_entry.list", "Listed a housing agency's prevention list entries")
register("prevention_action.record", "Recorded what was done about a prevention list entry")
