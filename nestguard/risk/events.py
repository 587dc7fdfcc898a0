"""Audit event types of the risk app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("risk.assess", "Recorded a risk assessment")
register("risk.view", "Viewed a risk assessment in full", reads_personal_data=True)
