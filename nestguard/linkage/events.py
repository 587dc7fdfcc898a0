"""Audit event types of the person index (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("source_record.create", "Received a source record from an agency")
register("source_record.import", "Imported source records from a CSV file")
register("source_record.view", "Viewed agencies' source records", reads_personal_data=True)
register("linkage.candidates", "Looked for people already known", reads_personal_data=True)
register("linkage.candidates_refused", "Was refused a lookup: too many in the last hour")
register("linkage.run_start", "Started a batch linkage run")
register("linkage.run_finish", "A batch linkage run finished")
register("linkage.run_stopped", "A batch linkage run was found stopped and marked failed")
register("linkage.merge", "Linked source records as one person")
register("linkage.unmerge", "Undid a link between source records")
register("linkage.review_confirm", "Confirmed two records are the same person")
register("linkage.review_reject", "Decided two records are not the same person")
register("linkage.review_view", "Viewed a pair of records for review", reads_personal_data=True)
register("linkage.review_list", "Viewed the linkage review queue", reads_personal_data=True)
register("linkage.merge_view", "Viewed a merge to undo it", reads_personal_data=True)
register("address_match.record", "Matched an address string to the register")
register("address_match.confirm", "Confirmed an address match")
register("address_match.reject", "Rejected an address match")
register("address_match.view", "Viewed an address match for review", reads_personal_data=True)
