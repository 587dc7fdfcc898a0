"""The linkage app's jobs (nestguard.jobs): a batch linkage run, queued by the person index
page (`launch`) and carried out by the worker, and the import of a stored file of an
agency's people (decision 0088)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from nestguard.linkage.services.runs import linkage_run_execute
from nestguard.places.jobs import import_actor, import_file_path, import_rejected


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


@job(name="linkage.import_source_records", retries=1, title="Import source records")
def import_source_records(
    progress: JobProgress,
    *,
    file: str,
    user_id: str,
    system: str,
    encoding: str = "utf-8-sig",
    mapping: dict[str, str] | None = None,
) -> str:
    """Import a stored CSV file of an agency's people into the person index, as the user who
    started it (their agency's records): every row checked, then all written or none."""
    path = import_file_path(file)
    actor = import_actor(user_id)
    progress.update(message="Checking the rows")
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        result = source_records_import(
            actor=actor, system=system, data=data, filename=file, mapping=mapping, encoding=encoding
        )
    except ImportRejected as exc:
        raise import_rejected(progress, [str(e) for e in exc.row_errors], exc.total) from None
    except ValidationError as exc:
        raise JobFailed("; ".join(exc.messages), retry=False) from None
    rows = result.created + result.already_held
    progress.update(done=rows, total=rows, message="Written")
    return (
        f"{rows} rows: {result.created} new record(s) written; {result.already_held} already held"
    )
