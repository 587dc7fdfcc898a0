"""The training register: expiry, recording, the all-or-nothing import, coverage against the
target, the report (suppressed) and everyone's own record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.models import Team, User
from nestguard.audit.models import AuditEvent
from nestguard.reporting.registry import ReportRequest, report_spec
from nestguard.reporting.tables import SUPPRESSED
from nestguard.training.access_policy import visible_completions
from nestguard.training.coverage import coverage
from nestguard.training.models import Completion, Course
from nestguard.training.services import add_months, completion_record, completions_import
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
]


def _course(code: str) -> Course:
    return Course.objects.get(code=code)


def test_the_courses_are_seeded_with_sources() -> None:
    codes = set(Course.objects.values_list("code", flat=True))
    assert {"prevent_awareness", "exploitation_awareness", "data_security_toolkit"} <= codes
    prevent = _course("prevent_awareness")
    assert prevent.refresh_months == 36 and prevent.target_percent == 80
    assert "Core Skills" in prevent.source


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 36, date(2029, 11, 15)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_supervisor_records_for_own_staff_only(personas: Personas) -> None:
    prevent = _course("prevent_awareness")
    today = timezone.localdate()
    made = completion_record(
        actor=personas.supervisor, staff=personas.owner, course=prevent, completed_on=today
    )
    assert made.expires_on == add_months(today, 36)
    assert AuditEvent.objects.filter(action="training.record").count() == 1
    with pytest.raises(ValidationError) as exc:  # police staff: not the hub supervisor's
        completion_record(
            actor=personas.supervisor, staff=personas.partner, course=prevent, completed_on=today
        )
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # twice
        completion_record(
            actor=personas.supervisor, staff=personas.owner, course=prevent, completed_on=today
        )
    with pytest.raises(PermissionDenied):
        completion_record(
            actor=personas.owner, staff=personas.owner, course=prevent, completed_on=today
        )


def test_the_import_is_all_or_nothing_with_every_bad_row(personas: Personas) -> None:
    done = (timezone.localdate() - timedelta(days=30)).isoformat()
    text = (
        "username,course,completed_on\n"
        f"owner,prevent_awareness,{done}\n"
        f"partner,prevent_awareness,{done}\n"  # another agency's
        f"owner,no_such_course,{done}\n"
        "auditor,data_security_toolkit,01/11/2026\n"
        f"owner,prevent_awareness,{done}\n"  # twice in the file
    )
    with pytest.raises(ValidationError) as exc:
        completions_import(actor=personas.admin, text=text)
    problems = exc.value.message_dict["file"]
    assert problems == [
        "Line 3, user: Choose a member of your agency's staff",
        "Line 4, course: Choose a course",
        "Line 5, completed_on: Enter the date as YYYY-MM-DD, for example 2026-11-27",
        "Line 6, completed_on: This completion is in the file twice",
    ]
    assert not Completion.objects.exists()
    good = f"username,course,completed_on\nowner,prevent_awareness,{done}\n"
    good += "auditor,data_security_toolkit,2025-01-10\n"
    assert len(completions_import(actor=personas.admin, text=good, source_name="t.csv")) == 2
    assert AuditEvent.objects.get(action="training.import").details["rows"] == 2


def test_coverage_counts_current_completions_against_active_staff(personas: Personas) -> None:
    toolkit = _course("data_security_toolkit")
    hub_staff = list(User.objects.filter(agency=personas.hub, is_active=True))
    today = timezone.localdate()
    team = Team.objects.create(agency=personas.hub, name="Hub team")
    team.members.add(personas.owner, personas.supervisor)
    # owner: in date; supervisor: expired; auditor: in date, then left (inactive).
    for member, days in ((personas.owner, 30), (personas.supervisor, 400), (personas.auditor, 5)):
        completion_record(
            actor=personas.admin, staff=member, course=toolkit,
            completed_on=today - timedelta(days=days),
        )  # fmt: skip
    User.objects.filter(pk=personas.auditor.pk).update(is_active=False)
    rows = coverage(User.objects.all(), Completion.objects.all(), [toolkit], today)
    hub = next(r for r in rows if r.group == personas.hub.name)
    assert (hub.staff, hub.trained) == (len(hub_staff) - 1, 1)
    assert not hub.meets_target
    teams = coverage(User.objects.all(), Completion.objects.all(), [toolkit], today, by="team")
    assert [(r.group, r.staff, r.trained, r.percent) for r in teams] == [
        (f"Hub team ({personas.hub.name})", 2, 1, 50)
    ]


def test_the_report_is_suppressed(personas: Personas) -> None:
    manager = UserFactory(agency=personas.hub, roles=["partnership_manager"])
    completion_record(
        actor=personas.admin, staff=personas.owner, course=_course("prevent_awareness"),
        completed_on=timezone.localdate(),
    )  # fmt: skip
    today = timezone.localdate()
    report = report_spec("training_coverage").build(
        ReportRequest(user=manager, start=today - timedelta(days=30), end=today)
    )
    table = next(t for t in report.tables if t.name == "training_prevent_awareness")
    hub_row = next(r for r in table.rows if r[0] == personas.hub.name)
    assert hub_row[2] == 1  # true count
    shown = next(t for t in report.suppressed().tables if t.name == table.name)
    assert next(r for r in shown.rows if r[0] == personas.hub.name)[2] == SUPPRESSED
    # Someone outside the reporting roles counts nothing.
    assert (
        not report_spec("training_coverage")
        .build(ReportRequest(user=personas.owner, start=today, end=today))
        .tables[0]
        .rows[:-1]
    )


def test_who_sees_whose_completions(personas: Personas) -> None:
    completion_record(
        actor=personas.admin, staff=personas.owner, course=_course("prevent_awareness"),
        completed_on=timezone.localdate(),
    )  # fmt: skip
    assert visible_completions(personas.owner).count() == 1  # their own
    assert visible_completions(personas.supervisor).count() == 1  # their agency's
    assert visible_completions(personas.auditor).count() == 0
    police_supervisor = UserFactory(agency=personas.police, roles=["supervisor"])
    assert visible_completions(police_supervisor).count() == 0


def test_pages(personas: Personas) -> None:
    supervisor = sign_in(Client(), personas.supervisor)
    today = timezone.localdate()
    response = supervisor.post(
        reverse("training:record"),
        {"user": str(personas.owner.pk), "course": str(_course("prevent_awareness").pk),
         "completed_on_day": today.day, "completed_on_month": today.month,
         "completed_on_year": today.year},
    )  # fmt: skip
    assert response.status_code == 302
    page = supervisor.get(reverse("training:agency")).content.decode()
    assert "Coverage at your agency" in page and str(personas.owner) in page
    assert AuditEvent.objects.filter(action="training.view").exists()
    upload = supervisor.post(
        reverse("training:import"),
        {"file": _file(f"username,course,completed_on\npartner,prevent_awareness,{today}\n")},
    )
    body = upload.content.decode()
    assert "Line 2, user: Choose a member of your agency" in body
    assert "Nothing was imported: 1 problem(s) to fix" in body
    mine = sign_in(Client(), personas.owner).get(reverse("training:mine")).content.decode()
    assert "Prevent awareness" in mine and "Done" in mine
    theirs = sign_in(Client(), personas.partner).get(reverse("training:mine")).content.decode()
    assert "Done" not in theirs


def _file(text: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("training.csv", text.encode(), content_type="text/csv")
