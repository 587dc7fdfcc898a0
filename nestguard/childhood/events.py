"""Audit event types of placements, education and transitions (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("childhood.placement_record", "Recorded a child's placement")
register("childhood.placement_end", "Recorded the end of a child's placement")
register("childhood.education_record", "Recorded a child's education status")
register("childhood.education_end", "Recorded the end of a child's education status")
register("childhood.transition_record", "Recorded a transition plan to adult services")
