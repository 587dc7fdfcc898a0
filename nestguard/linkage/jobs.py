"""The linkage app's jobs (nestguard.jobs, decision 80): a batch linkage run, queued by the
person index page (`launch`) and carried out by `nestguard worker`; and the address
register's matching index, queued by a referral that arrived before its web process had one
(decision 81); the import of a stored file of an agency's people (decision 88); and the
shared person index's files, written once for every web process (decision 117).

A retried linkage attempt first sweeps (decision 87): the run the dead attempt was doing is
marked failed with the process and the time it was last alive, and a fresh run takes its
place, so the history shows both. A run that fails on its own (a model that cannot be
trained) fails the attempt with the run's reason, so the job page says why.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.linkage.address_index import build_address_index
from nestguard.linkage.models import LinkageRun
from nestguard.linkage.person_index_files import NoModel, build_index_file
from nestguard.linkage.services.addresses import addresses_catch_up
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from nestguard.linkage.services.runs import (
    linkage_run_execute,
    linkage_run_start,
    linkage_runs_sweep,
)
from nestguard.places.jobs import import_actor, import_file_path, import_rejected

RUN_JOB = "linkage.run"


@job(name=RUN_JOB, retries=2, title="Linkage run")
def linkage_run(progress: JobProgress, *, run_id: str) -> str:
    """Carry out a queued linkage run (as `nestguard link --run`); its stages show on the
    person index page."""
    linkage_runs_sweep()
    run = LinkageRun.objects.filter(pk=run_id).first()
    if run is None:
        raise JobFailed("The linkage run no longer exists.", retry=False)
    if run.status == LinkageRun.Status.FAILED:
        # The attempt before this one failed: on its own (its reason is on the run), or it
        # died with its worker, or no worker took it in time (the sweep above says so on the
        # run). This attempt is a new run, so the history shows both.
        run = linkage_run_start(actor=run.started_by, engine=run.engine, retrain=run.retrain)
    elif run.status != LinkageRun.Status.QUEUED:
        raise JobFailed(
            f"The linkage run is already {run.get_status_display().lower()}.", retry=False
        )
    progress.update(message="Linking source records into people")
    done = linkage_run_execute(run, actor=run.started_by)
    if done.status != LinkageRun.Status.SUCCEEDED:
        # Recorded on the run with its reason; the next attempt is a new run.
        raise JobFailed(f"Linkage run {done.pk} failed: {done.error}")
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(done.counts.items()))
    return f"Linkage run {done.pk} finished: {counts} (model {done.model})"


@job(name="linkage.build_address_index", retries=3, title="Address register index")
def build_address_index_job(progress: JobProgress, **kwargs: object) -> str:
    """Build the address register's matching index in the worker, outside any request and
    any transaction, then match the referrals and records that arrived while no index was
    ready (docs/decisions/0081). Queued by a referral sent while its web process was still
    warming up, so its match is never left to chance; safe to run again."""
    progress.update(done=0, total=2, message="Building the address register's matching index")
    index = build_address_index()
    progress.update(done=1, total=2, message="Matching addresses that arrived meanwhile")
    counts = addresses_catch_up(index=index)
    progress.update(done=2, total=2, message="Done")
    matched = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
    return f"Address index built; {matched or 'no address was waiting'}"


@job(name="linkage.build_person_index", retries=2, title="Person index for lookups", manual=True)
def build_person_index(progress: JobProgress, **kwargs: object) -> str:
    """Write the candidate index of "is this person already known?" to files that every web
    process maps read-only (docs/decisions/0117), unless the same model and records are
    written already. Queued at the end of a linkage run and by a web process that finds no
    index of its model; safe to run again."""
    progress.update(message="Writing the person index for lookups")
    try:
        result = build_index_file()
    except NoModel:
        return "No linkage model yet (or one this version cannot read): nothing to write"
    done = result.file
    if not result.built:
        return f"Already written for these {done.records:,} records: {done.name}"
    return (
        f"{done.records:,} records written in {result.seconds:.1f} s "
        f"({result.bytes / 2**20:,.0f} MB): {done.name}"
    )


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
        # Where, not what: a job's summary quotes no one's details.
        + (
            f"; {len(result.doubtful)} doubtful value(s) kept as sent and compared as text ("
            + ", ".join(f"row {d.row} {d.field}" for d in result.doubtful[:10])
            + (", ..." if len(result.doubtful) > 10 else "")
            + ")"
            if result.doubtful
            else ""
        )
    )
