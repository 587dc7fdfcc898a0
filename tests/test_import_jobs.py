"""Imports as jobs (decision 0088): an administrator uploads a file, the system stores it
under a name of its own, and the worker imports it all or nothing, the problems shown on the
job's page; a job argument that names anything but a stored file is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.core.import_files import stored_path
from nestguard.jobs import enqueue
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from nestguard.linkage.models import SourceRecord
from nestguard.places.models import Address
from nestguard.places.services.register import REGISTER_COLUMNS

pytestmark = pytest.mark.django_db

REGISTER = ",".join(REGISTER_COLUMNS) + (
    "\n770000000001,1 Mill Lane,,Northbrook,NB1 2AB,402100,397100,,,Central,council,"
    "\n770000000002,Flat 2,Mill House,Northbrook,NB1 2AB,,,53.4808,-2.2426,Central,,\n"
)
BAD_REGISTER = ",".join(REGISTER_COLUMNS) + (
    "\n770000000001,1 Mill Lane,,Northbrook,NB1 2AB,402100,397100,,,Central,council,"
    "\n770000000002,Flat 2,,Northbrook,??,,,53.4808,-2.2426,Central,,"
    "\n0123,Flat 3,,Northbrook,NB1 2AB,,,53.4808,-2.2426,Central,,\n"
)
PEOPLE = (
    "record_id,given_name,family_name,date_of_birth\n"
    "S-1,Jayden,Smith-Okoro,2010-07-03\nS-2,Chloe,Barker,2009-11-20\n"
)
BAD_PEOPLE = (
    "record_id,given_name,family_name,date_of_birth\nS-1,Zebedee,Quill,2010-01-01\n"
    "S-1,Zara,Quill,2011-01-01\n"
)
DOUBTFUL_PEOPLE = "record_id,given_name,family_name,date_of_birth\nS-1,Zebedee,Quill,1950-43-06\n"


@pytest.fixture(autouse=True)
def import_dir(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "imports"
    settings.NESTGUARD_IMPORT_DIR = str(directory)
    return directory


def upload(text: str, name: str = "file.csv", content_type: str = "text/csv") -> Any:
    return SimpleUploadedFile(name, text.encode(), content_type=content_type)


def _run_of(response: Any) -> JobRun:
    assert response.status_code == 302, response.content.decode()[:2000]
    run = JobRun.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[run.pk])
    return run


def test_an_uploaded_register_is_imported_by_the_worker(client_for: Any, import_dir: Path) -> None:
    admin = client_for("admin")
    run = _run_of(
        admin.post(reverse("places:register_import"), {"file": upload(REGISTER, "reg.csv")})
    )
    assert run.name == "places.import_addresses" and run.status == JobStatus.QUEUED
    (stored,) = import_dir.iterdir()
    assert run.kwargs["file"] == stored.name and "/" not in stored.name
    assert not Address.objects.filter(uprn__startswith="77").exists()  # the worker imports
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    assert run.summary == "2 rows written: 2 created, 0 updated, 0 unchanged"
    assert (run.progress_done, run.progress_total) == (2, 2)
    assert Address.objects.filter(uprn__in=["770000000001", "770000000002"]).count() == 2
    event = AuditEvent.objects.get(action="address.register_import")
    assert event.actor_id == run.started_by_id
    page = admin.get(reverse("jobs:detail", args=[run.pk])).content.decode()
    assert "2 rows written" in page


def test_a_bad_register_fails_with_its_problems_and_writes_nothing(client_for: Any) -> None:
    admin = client_for("admin")
    run = _run_of(admin.post(reverse("places:register_import"), {"file": upload(BAD_REGISTER)}))
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert run.attempts == 1  # retrying cannot mend a file
    assert run.failure_reason == "2 problem(s) in the input; nothing was written"
    assert "row 3, postcode: Not a full UK postcode" in run.summary
    assert "row 4, uprn: A UPRN is 1 to 12 digits" in run.summary
    assert not Address.objects.filter(uprn="770000000001").exists()  # the good row too
    page = admin.get(reverse("jobs:detail", args=[run.pk])).content.decode()
    assert "row 3, postcode" in page and "nothing was written" in page


def test_uploaded_people_are_imported_as_the_administrators_agency(
    client_for: Any, personas: Personas
) -> None:
    admin = client_for("admin")
    form = {"system": "School MIS", "encoding": "utf-8-sig", "file": upload(PEOPLE)}
    run = _run_of(admin.post(reverse("linkage:import_queue"), form))
    assert run.kwargs["system"] == "School MIS" and run.kwargs["mapping"] is None
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.failure_reason
    assert run.summary == "2 rows: 2 new record(s) written; 0 already held"
    records = SourceRecord.objects.filter(system="School MIS")
    assert {r.agency_id for r in records} == {personas.admin.agency_id}
    assert records.count() == 2


def test_bad_people_fail_with_problems_that_quote_no_one(client_for: Any) -> None:
    admin = client_for("admin")
    form = {"system": "School MIS", "encoding": "utf-8-sig", "file": upload(BAD_PEOPLE)}
    run = _run_of(admin.post(reverse("linkage:import_queue"), form))
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert run.failure_reason == "1 problem(s) in the input; nothing was written"
    assert "In row 3, record_id: the same record id as row 2" in run.summary
    assert "Zebedee" not in run.summary + run.failure_reason
    assert not SourceRecord.objects.filter(system="School MIS").exists()


def test_a_doubtful_date_is_imported_and_named_by_row_without_its_value(client_for: Any) -> None:
    admin = client_for("admin")
    form = {"system": "School MIS", "encoding": "utf-8-sig", "file": upload(DOUBTFUL_PEOPLE)}
    run = _run_of(admin.post(reverse("linkage:import_queue"), form))
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED
    assert "1 doubtful value(s) kept as sent and compared as text (row 2 date_of_birth)" in (
        run.summary
    )
    assert "1950-43-06" not in run.summary and "Zebedee" not in run.summary
    record = SourceRecord.objects.get(system="School MIS")
    assert (record.date_of_birth, record.date_of_birth_given) == ("", "1950-43-06")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (None, "Choose a CSV file"),
        (upload("", "empty.csv"), "The file is empty"),
        (upload("a,b\n1,2\n", "register.xlsx"), "The file must be a CSV file"),
        (upload("a,b\n", "register.csv", "application/pdf"), "The file must be a CSV file"),
        (upload("a,\x00b\n", "register.csv"), "The file must be a CSV file"),
    ],
    ids=["missing", "empty", "extension", "content-type", "binary"],
)
def test_the_upload_page_refuses_a_bad_file(
    client_for: Any, import_dir: Path, file: Any, message: str
) -> None:
    body = {"file": file} if file is not None else {}
    page = client_for("admin").post(reverse("places:register_import"), body)
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not JobRun.objects.exists()
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_an_oversized_file_is_refused(client_for: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("nestguard.core.import_files.MAX_UPLOAD_BYTES", 10)
    page = client_for("admin").post(reverse("places:register_import"), {"file": upload(REGISTER)})
    assert "The file must be smaller than 50 MB" in page.content.decode()
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "supervisor", "auditor", "referrer"])
def test_only_administrators_upload(client_for: Any, persona: str, import_dir: Path) -> None:
    for name in ("places:register_import", "linkage:import_queue"):
        page = client_for(persona).post(reverse(name), {"file": upload(REGISTER)})
        assert page.status_code == 403
    assert not JobRun.objects.exists() and not import_dir.exists()


@pytest.mark.parametrize(
    "name",
    [
        "../secret.csv",
        "/etc/passwd",
        "register-../../../../etc/passwd",
        "register-" + "0" * 32 + ".csv/../../x.csv",
        "Register-" + "0" * 32 + ".csv",
    ],
)
def test_a_job_given_anything_but_a_stored_name_refuses_it(
    personas: Personas, name: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        stored_path(name)
    run = enqueue("places.import_addresses", started_by=personas.admin, file=name)
    drain()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED and run.attempts == 1
    assert run.failure_reason == "The file to import is not a stored import file."


def test_a_link_out_of_the_directory_is_refused(import_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text(REGISTER)
    import_dir.mkdir()
    name = "register-" + "a" * 32 + ".csv"
    (import_dir / name).symlink_to(outside)
    with pytest.raises(ValueError):
        stored_path(name)


def test_an_administrator_of_no_agency_cannot_import_people(client_for: Any, personas: Any) -> None:
    type(personas.admin).objects.filter(pk=personas.admin.pk).update(agency=None)
    form = {"system": "School MIS", "encoding": "utf-8-sig", "file": upload(PEOPLE)}
    page = client_for("admin").post(reverse("linkage:import_queue"), form)
    assert page.status_code == 200
    assert "Only a user of an agency can import its records" in page.content.decode()
    assert not JobRun.objects.exists()
