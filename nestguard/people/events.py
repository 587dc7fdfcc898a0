"""Audit event types of the people app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("person.create", "Recorded a person")
register("person.view", "Viewed a person's record", reads_personal_data=True)
register("person.equality_record", "Recorded a person's equality monitoring details")
