"""The reporting app's jobs (nestguard.jobs; decision 0112): build a report's true counts for
a period off the request path, and keep the default views prepared after changes.

Each build is as a user who may report: the reporting scope is all or nothing, so the counts
are the same for every such user; the user is checked again when the job runs (a role taken
away meanwhile builds nothing)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from nestguard.access import rules
from nestguard.accounts.models import User
from nestguard.jobs import JobFailed, JobProgress, job
from nestguard.reporting import case_daily, daily
from nestguard.reporting.dashboard import DASHBOARD
from nestguard.reporting.models import CountedChange, PreparedReport
from nestguard.reporting.period import Asked, default_period, last_complete_months, problems
from nestguard.reporting.reading import PREPARE_JOB, build, is_current
from nestguard.reporting.registry import ReportSpec, report_spec, report_specs

# A prepared copy nobody has needed for this long is dropped by the periodic refresh.
KEEP_DAYS = 7


def preparable(name: str) -> ReportSpec:
    """The dashboard or the named report (LookupError if neither)."""
    return DASHBOARD if name == DASHBOARD.name else report_spec(name)


def asked_from(terms: dict[str, Any]) -> Asked:
    return Asked(
        date.fromisoformat(str(terms["from"])),
        date.fromisoformat(str(terms["to"])),
        str(terms.get("ward") or ""),
        terms.get("agency") or None,
    )


def reporter(user_id: Any) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not rules.may_report(user):
        raise JobFailed("The person who asked for the report may no longer see it.", retry=False)
    return user


@job(name=PREPARE_JOB, retries=1, title="Prepare a report")
def prepare_report(progress: JobProgress, report: str, terms: dict[str, Any], by: str) -> str:
    """Count a report (or the dashboard) for a period, for every web process to show."""
    user = reporter(by)
    try:
        spec = preparable(report)
        asked = asked_from(terms)
    except (LookupError, KeyError, ValueError):
        raise JobFailed(
            "The report or its period is not one that can be run.", retry=False
        ) from None
    if problems(user, asked):  # checked by the page that asked; the register may have changed
        raise JobFailed("The report's period or filters can no longer be run.", retry=False)
    if is_current(user, spec, asked):
        return f"{spec.title} from {asked.start} to {asked.end} was already prepared"
    progress.update(message=f"Counting the {spec.title.lower()}")
    build(user, spec, asked)
    return f"{spec.title} from {asked.start} to {asked.end} prepared"


def default_views() -> list[tuple[ReportSpec, Asked]]:
    """What a reporter sees first: the dashboard's last twelve complete months and each
    report's twelve months to today, for all wards and agencies."""
    views = [(DASHBOARD, Asked(*last_complete_months()))]
    return views + [(spec, Asked(*default_period())) for spec in report_specs()]


@job(name="reporting.prepare_defaults", retries=0, title="Prepare the default reports")
def prepare_defaults(progress: JobProgress) -> str:
    """Count again the default views that something counted has changed since, so that the
    first view of each is answered at once; drop copies nobody has needed for a week."""
    from nestguard.reporting.reading import slot

    rebuilt = 0
    for spec, asked in default_views():
        stored = PreparedReport.objects.filter(slot=slot(spec, asked)).first()
        # Only views someone has asked for, as the last person who did (if they still may).
        user = stored.built_for if stored is not None else None
        if user is None or not user.is_active or not rules.may_report(user):
            continue
        if not is_current(user, spec, asked):
            progress.update(message=f"Counting the {spec.title.lower()}")
            build(user, spec, asked)
            rebuilt += 1
    dropped, _ = PreparedReport.objects.filter(
        built_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)
    ).delete()
    newest = CountedChange.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is not None:
        CountedChange.objects.filter(id__lt=newest).delete()
    return f"{rebuilt} default view(s) counted again; {dropped} old copies dropped"


@job(name="reporting.check_daily_counts", retries=0, title="Check the daily report counts")
def check_daily_counts(progress: JobProgress) -> str:
    """Compare the daily pre-aggregates of referral and case counts with the records
    (decisions 0120, 0125), as the last user who had a report prepared (if they still may
    report); a count that differs is counted again and fails the run, naming it, so that it
    shows on the jobs page."""
    stored = PreparedReport.objects.exclude(built_for=None).order_by("-built_at").first()
    user = stored.built_for if stored is not None else None
    if user is None or not user.is_active or not rules.may_report(user):
        return "Nobody who may report has asked for a report yet: nothing to check"
    progress.update(message="Comparing the daily counts with the records")
    found = daily.reconcile(user)
    found_cases = case_daily.reconcile(user)
    if found or found_cases:
        # Counted again so that reports are right from now on, and the run fails, naming
        # the first: a write changed what is counted without stamping `updated_at`.
        days = daily.repair(user, found) + case_daily.repair(user, found_cases)
        found = [*found, *found_cases]
        first = found[0]
        raise JobFailed(
            f"{len(found)} daily count(s) differ from the records, the first "
            f"{first.day} {first.measure}={first.value!r}: {first.stored} stored, "
            f"{first.counted} counted; {days} day(s) counted again",
            retry=False,
        )
    return "The daily referral and case counts agree with the records"
