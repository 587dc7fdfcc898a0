"""The training register's one write path: record a completion, or import many from CSV (all
or nothing, every bad row reported)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.calendar import add_months
from nestguard.training.models import Completion, Course
from nestguard.training.rules import keeps_training, may_record_for

COLUMNS = ("username", "course", "completed_on")
MAX_ROWS = 5000
EARLIEST = date(2000, 1, 1)


def expiry(course: Course, completed_on: date) -> date | None:
    """The last day a completion counts: the refresh period after it, or never."""
    if course.refresh_months is None:
        return None
    return add_months(completed_on, course.refresh_months)


def _problems(
    actor: User, staff: User | None, course: Course | None, on: date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if staff is None or not may_record_for(actor, staff):
        errors["user"] = "Choose a member of your agency's staff"
    if course is None or not course.active:
        errors["course"] = "Choose a course"
    if on is None:
        errors["completed_on"] = "Enter the date the course was completed"
    elif on > timezone.localdate():
        errors["completed_on"] = "The date completed must be today or in the past"
    elif on < EARLIEST:
        errors["completed_on"] = "The date completed must be after 1 January 2000"
    elif (
        staff is not None
        and course is not None
        and Completion.objects.filter(user=staff, course=course, completed_on=on).exists()
    ):
        errors["completed_on"] = "This completion is already recorded"
    return errors


def completion_record(
    *, actor: User, staff: User | None, course: Course | None, completed_on: date | None
) -> Completion:
    if not keeps_training(actor):
        raise PermissionDenied("Only supervisors and administrators record training")
    errors = _problems(actor, staff, course, completed_on)
    if errors:
        raise ValidationError(errors)
    assert staff is not None and course is not None and completed_on is not None
    with transaction.atomic():
        completion = Completion.objects.create(
            user=staff,
            course=course,
            completed_on=completed_on,
            expires_on=expiry(course, completed_on),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="training.record",
            obj=staff,
            details={"course": course.code, "completed_on": completed_on.isoformat()},
        )
    return completion


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _rows(stream: Iterable[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(stream)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError({"file": f"The file has no column named {', '.join(missing)}"})
    rows = list(reader)
    if not rows:
        raise ValidationError({"file": "The file has no rows"})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": f"The file must have {MAX_ROWS:,} rows or fewer"})
    return rows


def completions_import(*, actor: User, text: str, source_name: str = "") -> list[Completion]:
    """Every row checked first; any problem and nothing is written, each problem reported by
    line. Staff are named by username, courses by code, dates as YYYY-MM-DD."""
    if not keeps_training(actor):
        raise PermissionDenied("Only supervisors and administrators import training")
    rows = _rows(io.StringIO(text))
    usernames = {r["username"].strip() for r in rows}
    staff = {u.username: u for u in User.objects.filter(username__in=usernames)}
    courses = {c.code: c for c in Course.objects.filter(active=True)}
    problems: list[str] = []
    seen: set[tuple[str, str, date]] = set()
    ready: list[tuple[User, Course, date]] = []
    for line, row in enumerate(rows, start=2):
        person = staff.get(row["username"].strip())
        course = courses.get(row["course"].strip())
        on = _date(row["completed_on"] or "")
        found = _problems(actor, person, course, on)
        if on is None and (row["completed_on"] or "").strip():
            found["completed_on"] = "Enter the date as YYYY-MM-DD, for example 2026-11-27"
        key = (row["username"].strip(), row["course"].strip(), on) if on else None
        if key and key in seen:
            found["completed_on"] = "This completion is in the file twice"
        problems += [f"Line {line}, {field}: {message}" for field, message in found.items()]
        if key:
            seen.add(key)
        if not found:
            assert person is not None and course is not None and on is not None
            ready.append((person, course, on))
    if problems:
        raise ValidationError({"file": problems})
    with transaction.atomic():
        made = Completion.objects.bulk_create(
            Completion(
                user=person, course=course, completed_on=on, expires_on=expiry(course, on),
                recorded_by=actor,
            )
            for person, course, on in ready
        )  # fmt: skip
        audit_record(
            actor=actor,
            action="training.import",
            object_type="training",
            object_label=f"{len(made)} completions",
            details={"file": source_name, "rows": len(made)},
        )
    return made
