"""Audit event types of the network app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("network.view", "Viewed the network around an entity", reads_personal_data=True)
register("network.links_list", "Listed the links drawn in a network", reads_personal_data=True)
register(
    "network.line_view",
    "Viewed a deal line with its numbers, people and addresses",
    reads_personal_data=True,
)
register("network.victims", "Viewed the county lines victim tracker", reads_personal_data=True)
register("network.phone_view", "Viewed the network of a phone number", reads_personal_data=True)
register("network.vehicle_view", "Viewed the network of a vehicle", reads_personal_data=True)
register("network.search", "Looked up a phone number or a vehicle in the network")
register("network.link_add", "Added a link by hand")
register("network.phone_record", "Recorded a phone number")
register("network.phone_mark_line", "Marked a phone number as a line's deal line")
register("network.vehicle_record", "Recorded a vehicle")
register("network.line_record", "Recorded an organised group or line")
register("network.links_rebuild", "Rebuilt the links derived from records")
