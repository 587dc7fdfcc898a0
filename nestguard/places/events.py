"""Audit event types of the places app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("address.record", "Recorded an address not in the register")
register("address.view", "Viewed an address with its cases and people", reads_personal_data=True)
register("address.search", "Searched the address register by postcode")
