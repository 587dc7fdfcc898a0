"""The places app's jobs (nestguard.jobs): the nightly repeat-address rule, and the address
register import of a file stored by the upload page (decision 0088)."""

from __future__ import annotations

from nestguard.accounts.models import User
from nestguard.core.import_files import problem_report, stored_path
from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.places.services.register import RegisterImportError, address_register_import
from nestguard.places.services.repeats import repeat_address_scan


@job(name="places.repeat_addresses", retries=2, title="Repeat addresses", manual=True)
def repeat_addresses(progress: JobProgress) -> str:
    """Apply the repeat-address rule (places/data/rules.json) to every address."""
    progress.update(message="Applying the repeat-address rule to every address")
    alerts = repeat_address_scan(actor=None)
    return f"{len(alerts)} open repeat-address alert(s)"


def import_file_path(file: str) -> str:
    """The stored file's path, or a failure that retrying cannot mend."""
    try:
        path = stored_path(file)
    except ValueError:
        raise JobFailed("The file to import is not a stored import file.", retry=False) from None
    if not path.is_file():
        raise JobFailed("The file to import is no longer stored.", retry=False)
    return str(path)


def import_actor(user_id: str | None) -> User | None:
    if not user_id:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise JobFailed(
            "The person who started the import is no longer an active user.", retry=False
        )
    return user


def import_rejected(progress: JobProgress, problems: list[str], total: int) -> JobFailed:
    """The failure of an import whose file has problems: the list goes to the run's result
    for the administrator who started it (row, column and reason; no cell of a person's
    record), and the reason is one sentence."""
    if progress.run_id is not None:
        from nestguard.jobs.models import JobRun

        JobRun.objects.filter(pk=progress.run_id).update(summary=problem_report(problems, total))
    progress.update(message="Checked the file: nothing was written")
    return JobFailed(f"{total} problem(s) in the input; nothing was written", retry=False)


@job(name="places.import_addresses", retries=1, title="Import the address register")
def import_addresses(progress: JobProgress, *, file: str, user_id: str | None = None) -> str:
    """Import a stored address register file: every row checked, then all written or none."""
    path = import_file_path(file)
    actor = import_actor(user_id)
    progress.update(done=0, message="Checking the rows")

    def checked(count: int) -> None:
        progress.update(done=count, message="Checking the rows")

    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            result = address_register_import(
                actor=actor, stream=stream, source_name=file, checked=checked
            )
    except UnicodeDecodeError:
        raise JobFailed("The file is not UTF-8 text; nothing was written", retry=False) from None
    except RegisterImportError as exc:
        raise import_rejected(progress, [str(e) for e in exc.errors], len(exc.errors)) from None
    progress.update(done=result.rows, total=result.rows, message="Written")
    return (
        f"{result.rows} rows written: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
