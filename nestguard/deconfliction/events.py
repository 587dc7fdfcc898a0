"""Audit event types of deconfliction (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("deconfliction.plan", "Planned a visit, warrant or operation at an address")
register("deconfliction.notify", "Told a partner agency of a planned visit, warrant or operation")
register("deconfliction.respond", "Answered a partner's planned visit, warrant or operation")
register("deconfliction.cancel", "Cancelled a planned visit, warrant or operation")
register("deconfliction.view", "Viewed a planned visit, warrant or operation")
register("deconfliction.list", "Viewed the list of planned visits, warrants and operations")
