"""Audit event types of the privacy app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("breach.record", "Recorded a personal data breach in the breach log")
register("breach.assess", "Assessed a breach's risk and decided whom to notify")
register("breach.notice", "Recorded that someone was told about a breach")
register("breach.close", "Closed a breach in the breach log")
register(
    "breach.view",
    "Viewed a breach in the breach log (what happened, to whose data)",
    reads_personal_data=True,
)
register("breach.list", "Listed the breach log")
register("ropa.export", "Exported the record of processing activities or the DPIA")
