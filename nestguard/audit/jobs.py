"""The audit app's jobs (nestguard.jobs): the daily chain check and anchor."""

from __future__ import annotations

from nestguard.audit.checks import chain_anchor_record, chain_check_record
from nestguard.jobs import JobFailed, JobProgress, job


@job(name="audit.verify_chain", retries=2, title="Audit chain verification", manual=True)
def verify_chain(progress: JobProgress) -> str:
    """Verify the audit chain against its anchors and record the result for admins and
    auditors (as `nestguard audit_verify --record`). A broken chain fails the job, once:
    checking again would find the same break."""
    progress.update(message="Verifying the audit chain")
    check = chain_check_record()
    if not check.intact:
        raise JobFailed(
            f"The audit chain is broken at event {check.first_broken_id}: {check.reason} "
            f"({check.events_checked} events before it are intact).",
            retry=False,
        )
    return (
        f"Audit chain intact: {check.events_checked} events, "
        f"{check.anchors_compared} anchors compared"
    )


@job(name="audit.anchor_chain", retries=2, title="Audit chain anchor", manual=True)
def anchor_chain(progress: JobProgress) -> str:
    """Write the chain's latest position and hash outside the database (as
    `nestguard audit_anchor`)."""
    anchor = chain_anchor_record()
    if anchor is None:
        return "The audit chain is empty: nothing to anchor"
    return f"Anchored event {anchor.event_id}"
