"""Audit event types of the rights app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("sar.log", "Logged a subject access request")
register("sar.extend", "Extended a subject access request's deadline, with reasons")
register(
    "sar.search",
    "Searched every app for what is held about a person (subject access)",
    reads_personal_data=True,
)
register("sar.view", "Opened a subject access request and what it found", reads_personal_data=True)
register("sar.redact", "Marked part of a subject access disclosure for redaction")
register("sar.unredact", "Removed a redaction from a subject access disclosure")
register("sar.pack", "Produced a subject access disclosure pack")
register("sar.download", "Downloaded a subject access disclosure pack", reads_personal_data=True)
register("sar.close", "Closed a subject access request")
register("sar.list", "Listed subject access requests")
register(
    "rights.person_search",
    "Searched for a person to act on their data protection rights",
    reads_personal_data=True,
)
register("rights_request.log", "Logged a rectification or objection request")
register("rights_request.decide", "Decided a rectification or objection request, with reasons")
register(
    "rights_request.view", "Opened a rectification or objection request", reads_personal_data=True
)
register("processing_restriction.place", "Restricted the processing of a person's records")
register("processing_restriction.lift", "Lifted a restriction of processing")
register(
    "processing_restriction.write_allowed",
    "Changed a restricted person's records on an Article 18(2) ground",
)
register(
    "access_report.view",
    "Read the report of who accessed a person's records",
    reads_personal_data=True,
)
register("access_report.export", "Exported the report of who accessed a person's records")
