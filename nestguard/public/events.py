"""Audit event types of public reporting (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("public_report.submit", "A member of the public reported signs of exploitation")
register("public_report.triage", "Accepted or rejected a public report")
register("public_report.view", "Viewed a public report in full", reads_personal_data=True)
register(
    "public_report.list",
    "Viewed a page of public reports awaiting triage",
    reads_personal_data=True,
)
