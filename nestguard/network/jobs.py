"""The network's job (nestguard.jobs): rebuild the links derived from records."""

from __future__ import annotations

from nestguard.jobs import JobProgress, job
from nestguard.network.services.links import links_rebuild


@job(name="network.links_rebuild", retries=1, title="Rebuild the network's links", manual=True)
def network_links_rebuild(progress: JobProgress) -> str:
    progress.update(message="Deriving every link from its record")
    counts = links_rebuild(actor=None)
    return f"{sum(counts.values())} links from {len(counts)} kinds of record"
