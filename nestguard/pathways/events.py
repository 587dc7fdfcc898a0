"""Audit event types of the pathways app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("missing_episode.record", "Recorded a missing episode")
register("missing_episode.return", "Recorded a return from a missing episode")
register("missing_episode.view", "Viewed a missing episode", reads_personal_data=True)
register("return_interview.record", "Recorded a return home interview")
register("nrm_referral.record", "Recorded a National Referral Mechanism referral")
register("nrm_referral.stage", "Recorded an NRM decision, reconsideration or withdrawal")
register("nrm_referral.view", "Viewed an NRM referral", reads_personal_data=True)
register("duty_to_notify.record", "Recorded an anonymous Duty to Notify (MS1)")
register("onward_referral.send", "Sent an onward referral to a local service")
register("onward_referral.update", "Recorded a service's response to an onward referral")
register("onward_referral.view", "Viewed an onward referral", reads_personal_data=True)
register("missing_episode.list", "Listed missing episodes (API)", reads_personal_data=True)
register("missing_episode.report", "Viewed the missing episodes report (counts only)")
register("nrm_referral.list", "Listed NRM referrals (API)", reads_personal_data=True)
register("onward_referral.list", "Listed onward referrals (API)", reads_personal_data=True)
