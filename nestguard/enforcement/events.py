"""Audit event types of the enforcement app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("enforcement.record", "Recorded an enforcement step")
register(
    "enforcement.view",
    "Viewed the enforcement record of an address",
    reads_personal_data=True,
)
register(
    "enforcement.deadlines_view",
    "Viewed the enforcement deadlines of the partnership",
    reads_personal_data=True,
)
register(
    "enforcement.chronology_view",
    "Produced the court chronology of an address",
    reads_personal_data=True,
)
register("enforcement.list", "Listed enforcement steps (API)", reads_personal_data=True)
