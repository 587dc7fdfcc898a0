"""Audit event types of the training register (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("training.record", "Recorded that a member of staff completed a course")
register("training.import", "Imported training completions from a CSV file")
register("training.view", "Viewed an agency's staff training records", reads_personal_data=True)
