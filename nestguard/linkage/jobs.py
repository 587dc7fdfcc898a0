"""The linkage app's jobs (nestguard.jobs): a batch linkage run, queued by the person index
page (`launch`) and carried out by the worker."""

from __future__ import annotations

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.runs import linkage_run_execute


@job(name="linkage.run", retries=1, title="Linkage run")
def linkage_run(progress: JobProgress, *, run_id: str) -> str:
    """Carry out a queued linkage run (as `nestguard link --run`). Its stages show on the
    person index page; a run found running was left by a worker that died, and is carried
    on (clusters only grow by merges, so going over the same records again is safe)."""
    run = LinkageRun.objects.filter(pk=run_id).first()
    if run is None:
        raise JobFailed("The linkage run no longer exists.", retry=False)
    if run.status not in (LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING):
        raise JobFailed(
            f"The linkage run is already {run.get_status_display().lower()}.", retry=False
        )
    progress.update(message="Linking source records into people")
    done = linkage_run_execute(run, actor=run.started_by)
    if done.status == LinkageRun.Status.FAILED:
        # Recorded on the run with its reason; a new run is the way to try again.
        raise JobFailed(
            "The linkage run failed: the person index page shows the run and its error.",
            retry=False,
        )
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(done.counts.items()))
    return f"Linkage run finished with model {done.model}: {counts}"
