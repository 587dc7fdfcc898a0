"""Audit event types of the places app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("address.record", "Recorded an address not in the register")
register("address.view", "Viewed an address with its cases and people", reads_personal_data=True)
register("address.search", "Searched the address register by postcode")
register("address.register_import", "Imported the address register")
register("address.door_check", "Asked whether there is a risk behind a door")
register("address.nearby", "Listed the register addresses around a property (leaflet drop)")
register("warning.place", "Placed a warning marker on an address")
register("warning.review", "Reviewed a warning marker")
register("warning.withdraw", "Withdrew a warning marker")
register("warning.list", "Listed the warning markers at an address with their reasons")
register("warning.restrict", "Changed the handling restriction of a warning marker")
register("address_report.record", "Recorded partner intelligence or an incident about an address")
register("repeat_alert.raise", "Raised a repeat-address alert")
register("repeat_alert.decide", "Recorded the decision on a repeat-address alert")
register(
    "repeat_alert.view",
    "Viewed a repeat-address alert with the property's timeline",
    reads_personal_data=True,
)
register("repeat_alert.list", "Listed open repeat-address alerts")
register("person_address.link", "Linked a person to an address")
register("displacement.raise", "Raised a displacement alert")
register("hardening.record", "Recorded a target-hardening measure")
register("hardening.summary", "Viewed the partnership's target-hardening funding figures")
register("ward_boundary.import", "Imported ward boundaries (the dashboard's ward map)")
