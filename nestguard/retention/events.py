"""The retention app's audit event types."""

from nestguard.audit.events import register

register("retention.rule_update", "Changed a retention rule")
register("retention.hold_place", "Placed a legal hold")
register("retention.hold_lift", "Lifted a legal hold")
register("retention.batch_list", "Listed records past their retention period for review")
register("retention.batch_approve", "Approved a disposal batch")
register("retention.batch_extend", "Retained a disposal batch's records for longer")
register("retention.dispose", "Disposed of records and wrote the certificate")
register("retention.view", "Opened a legal hold, disposal batch or certificate")
