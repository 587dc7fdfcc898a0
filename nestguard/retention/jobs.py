"""The retention app's job (nestguard.jobs): the nightly listing of what is past its
retention period, for review. It never disposes of anything: a reviewer approves."""

from __future__ import annotations

from nestguard.jobs import JobProgress, job
from nestguard.retention.services.batches import batches_build


@job(name="retention.list_disposals", retries=2, title="Disposal listing", manual=True)
def list_disposals(progress: JobProgress) -> str:
    progress.update(message="Listing records past their retention period")
    made = batches_build()
    if not made:
        return "Nothing past its retention period"
    return "Listed for review: " + ", ".join(f"{b.reference} ({b.item_count})" for b in made)
