"""What the referrer is told: the status of their referral and, once decided, the outcome and
the reason in words. Nothing here reveals the case a referral became."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from nestguard.referrals import codes as rc
from nestguard.referrals.models import Referral, ReferralStatus

TAG_COLOURS = {
    ReferralStatus.DRAFT: "grey",
    ReferralStatus.SUBMITTED: "blue",
    ReferralStatus.ACCEPTED: "green",
    ReferralStatus.MERGED: "green",
    ReferralStatus.DECLINED: "red",
    ReferralStatus.REDIRECTED: "yellow",
}


@dataclass(frozen=True)
class Outcome:
    status_label: str
    tag_colour: str
    summary: str
    reason_label: str = ""
    reason_text: str = ""


def outcome_for_referrer(referral: Referral) -> Outcome:
    status = ReferralStatus(referral.status)
    colour = TAG_COLOURS.get(status, "grey")
    label = status.label
    if status == ReferralStatus.DRAFT:
        return Outcome(label, colour, "Not sent yet. Finish the sections and submit it.")
    if status == ReferralStatus.SUBMITTED:
        due = timezone.localtime(referral.triage_due_at) if referral.triage_due_at else None
        when = f" by {due:%-d %B %Y}" if due else ""
        return Outcome(label, colour, f"The triage team will decide on it{when}.")
    if status == ReferralStatus.ACCEPTED:
        return Outcome(
            label,
            colour,
            "Accepted. The exploitation team has opened a case and will take it forward.",
            reason_text=referral.decision_reason,
        )
    if status == ReferralStatus.MERGED:
        return Outcome(
            label,
            colour,
            "Accepted and added to a case the team is already working on.",
            reason_text=referral.decision_reason,
        )
    if status == ReferralStatus.DECLINED:
        return Outcome(
            label,
            colour,
            "Declined: the exploitation team will not take this referral forward.",
            reason_label=rc.decline_reasons().label(referral.decision_reason_code),
            reason_text=referral.decision_reason,
        )
    target = rc.redirect_targets().label(referral.redirect_to)
    return Outcome(
        label,
        colour,
        f"Redirected to {target}.",
        reason_label=f"Sent to {target}",
        reason_text=referral.decision_reason,
    )
