"""The training coverage report, registered with nestguard/reporting (decision 0104): per
course, staff and those trained (unexpired) at each agency on the last day of the period.

Staff counts are not about victims, but a small agency's "trained" count tells who is not
trained, which is employment data about named colleagues: the report is suppressed like every
other (one reading path, one rule), and the unsuppressed figures stay on the training page,
for each agency's own supervisors and administrators only."""

from __future__ import annotations

from nestguard.access.door import counted, visible
from nestguard.accounts.models import User
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import counts_table
from nestguard.training.coverage import coverage
from nestguard.training.models import Completion, Course


def build(request: ReportRequest) -> Report:
    courses = list(visible(request.user, Course).filter(active=True).order_by("name", "pk"))
    staff = counted(request.user, User)
    completions = counted(request.user, Completion)
    if request.agency_id:
        staff = staff.filter(agency_id=request.agency_id)
        completions = completions.filter(user__agency_id=request.agency_id)
    rows = coverage(staff, completions, courses, request.end)
    tables = tuple(
        counts_table(
            f"training_{course.code}",
            f"{course.name}: staff trained (target {course.target_percent}%)",
            "Agency",
            [(r.group, (r.staff, r.trained)) for r in rows if r.course == course],
            ("Staff", "Trained and in date"),
            notes=(
                f"Refreshed every {course.refresh_months} months."
                if course.refresh_months
                else "Does not expire.",
                "Trained and in date on the last day of the period.",
            ),
        )
        for course in courses
    )
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=tables,
        notes=(
            "Staff are the active users of active agencies, every role. Training is not "
            "filtered by ward.",
        ),
    )


SPEC = register_report(
    ReportSpec(
        name="training_coverage",
        title="Training coverage",
        build=build,
        description="Staff trained and in date for each course, by agency, against the target.",
    )
)
