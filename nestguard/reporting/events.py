"""Audit event types of the reporting app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("project_cost.record", "Entered what a project cost over a period")
