"""Audit event types of the job queue (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("job.start", "Started a job by hand")
