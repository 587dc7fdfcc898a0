"""The linkage run as a job of the queue (nestguard.jobs, decision 80): `nestguard worker`
carries out a queued LinkageRun, and the queue retries it if the worker dies.

A retried attempt first sweeps (decision 87): the run the dead attempt was doing is marked
failed with the process and the time it was last alive, and a fresh run takes its place, so
the history shows both. A run that fails on its own (a model that cannot be trained) fails
the attempt with the run's reason, so the job page says why.
"""

from __future__ import annotations

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.runs import (
    linkage_run_execute,
    linkage_run_start,
    linkage_runs_sweep,
)

RUN_JOB = "linkage.run"


@job(name=RUN_JOB, retries=2, title="Link the person index")
def run_linkage(progress: JobProgress, *, run_id: str) -> str:
    linkage_runs_sweep()
    run = LinkageRun.objects.get(pk=run_id)
    if run.status == LinkageRun.Status.FAILED:
        # An earlier attempt's run failed, or stopped with its process (the sweep above says
        # so on it), or waited too long for a worker: this attempt is a new run.
        run = linkage_run_start(actor=run.started_by, engine=run.engine, retrain=run.retrain)
    elif run.status != LinkageRun.Status.QUEUED:
        raise JobFailed(f"Linkage run {run.pk} is {run.get_status_display().lower()}, not queued.")
    progress.update(message=f"Linkage run {run.pk}")
    done = linkage_run_execute(run, actor=run.started_by)
    if done.status != LinkageRun.Status.SUCCEEDED:
        raise JobFailed(f"Linkage run {done.pk} failed: {done.error}")
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(done.counts.items()))
    return f"Linkage run {done.pk} finished: {counts}"
