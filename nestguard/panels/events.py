"""Audit event types of the panels app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("panel.create", "Created a panel")
register("panel.member_add", "Added an agency to a panel")
register("meeting.schedule", "Scheduled a panel meeting")
register("meeting.agenda_build", "Built a meeting's agenda from its rules")
register("meeting.view", "Viewed a meeting's agenda and minutes", reads_personal_data=True)
register("meeting.hold", "Recorded that a meeting was held")
register("agenda_item.add", "Added an item to a meeting's agenda")
register("agenda_item.move", "Moved an item on a meeting's agenda")
register("agenda_item.minutes", "Recorded the minutes of an agenda item")
register("attendance.record", "Recorded attendance at a meeting")
register("attendance.sign", "Signed a meeting's confidentiality agreement")
register("action.record", "Recorded a panel action")
register("action.update", "Updated a panel action")
register("action.view", "Viewed a panel action", reads_personal_data=True)
register("action.list", "Listed panel actions", reads_personal_data=True)
