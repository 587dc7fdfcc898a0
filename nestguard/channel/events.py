"""Audit event types of Prevent and Channel (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("prevent.lead_set", "Named the partnership's Prevent lead (agency or team)")
register("prevent.refer", "Made a Prevent referral to the Prevent lead")
register("prevent.gateway", "Recorded the police gateway assessment of a Prevent referral")
register("prevent.panel", "Recorded the Channel panel's decision on a Prevent referral")
register(
    "prevent.consent", "Recorded consent to Channel support (sought, given, refused, withdrawn)"
)
register("prevent.support_start", "Recorded that Channel support started")
register("prevent.exit", "Recorded that Channel support ended")
register("prevent.view", "Viewed a Prevent referral")
register("prevent.list", "Viewed the list of Prevent referrals")
