"""CSV imports: a good file is stored as sent; a bad one is reported row by row and nothing
of it is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.audit.models import AuditEvent
from nestguard.linkage.models import Cluster, ImportBatch, SourceRecord
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "record_id,given_name,family_name,date_of_birth,sex,address_line1,town,postcode,phone"
GOOD = (
    HEADER
    + "\nS-1,Jayden,Smith-Okoro,2010-07-03,M,14 Canal Street,Northbrook,NB1 2AB,07700 900001"
    + "\nS-2,Chloe,Barker,2009-11-20,F,3 Mill Lane,Northbrook,NB2 4CD,"
    + "\n"
)


@pytest.fixture
def officer(personas: Personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="data.officer", agency=personas.school, roles=["linkage_reviewer"])


def test_a_good_file_is_stored_exactly_as_sent(officer) -> None:  # type: ignore[no-untyped-def]
    result = source_records_import(
        actor=officer, system="School MIS", data=GOOD.encode(), filename="pupils.csv"
    )
    assert result.created == 2
    jay = SourceRecord.objects.get(record_id="S-1")
    assert (jay.given_name, jay.family_name, jay.date_of_birth) == (
        "Jayden",
        "Smith-Okoro",
        "2010-07-03",
    )
    assert jay.agency == officer.agency and jay.system == "School MIS"
    assert jay.batch == result.batch and jay.received_at is not None
    # each record starts as a person of its own
    assert Cluster.objects.count() == 2
    assert AuditEvent.objects.filter(action="source_record.import").count() == 1


def test_the_same_file_twice_stores_nothing_new(officer) -> None:  # type: ignore[no-untyped-def]
    source_records_import(actor=officer, system="MIS", data=GOOD.encode())
    again = source_records_import(actor=officer, system="MIS", data=GOOD.encode())
    assert (again.created, again.already_held) == (0, 2)
    assert SourceRecord.objects.count() == 2


def test_a_changed_record_is_kept_beside_the_earlier_one(officer) -> None:  # type: ignore[no-untyped-def]
    source_records_import(actor=officer, system="MIS", data=GOOD.encode())
    moved = GOOD.replace("14 Canal Street", "9 New Road")
    source_records_import(actor=officer, system="MIS", data=moved.encode())
    versions = SourceRecord.objects.filter(record_id="S-1").order_by("received_at")
    assert [r.address_line1 for r in versions] == ["14 Canal Street", "9 New Road"]


def test_a_column_mapping_reads_other_column_names(officer) -> None:  # type: ignore[no-untyped-def]
    data = "Ref,Forename,Surname,DOB\nX9,Jay,Smith,03/07/2010\n"
    mapping = {
        "record_id": "Ref",
        "given_name": "Forename",
        "family_name": "Surname",
        "date_of_birth": "DOB",
    }
    source_records_import(actor=officer, system="Police RMS", data=data.encode(), mapping=mapping)
    record = SourceRecord.objects.get()
    assert (record.given_name, record.date_of_birth) == ("Jay", "2010-07-03")


def _problems(officer, data: bytes, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRejected) as caught:
        source_records_import(actor=officer, system="MIS", data=data, **kwargs)
    assert SourceRecord.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert Cluster.objects.count() == 0
    return [str(e) for e in caught.value.row_errors]


def test_wrong_columns_are_named(officer) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(officer, b"id,name\n1,Jay\n")
    assert any("record_id" in p for p in problems)
    problems = _problems(officer, b"record_id,given_name\n1,Jay\n", mapping={"record_id": "Ref"})
    assert problems == ["In row 1, record_id: the file has no column called 'Ref'"]
    problems = _problems(
        officer, b"record_id,x\n1,2\n", mapping={"record_id": "record_id", "shoe_size": "x"}
    )
    assert any("shoe_size" in p for p in problems)


def test_doubtful_dates_are_kept_as_sent_listed_row_by_row_and_never_stop_the_file(officer) -> None:  # type: ignore[no-untyped-def]
    next_year = timezone.localdate().year + 1
    data = (
        "record_id,given_name,date_of_birth\n"
        "1,Ann,2010-02-30\n"  # no such day
        f"2,Bob,{next_year}-01-01\n"  # the future
        "3,Cat,yesterday\n"  # not a date
        "4,Dan,1850\n"  # too early
        "5,Eve,2010-07\n"  # a partial date is fine
        "6,Fay,1950-43-06\n"  # a transposed month
    )
    result = source_records_import(actor=officer, system="MIS", data=data.encode())
    assert result.created == 6
    assert [str(d) for d in result.doubtful] == [
        "In row 2, date_of_birth: record 1: Date of birth must be a real date ('2010-02-30'): "
        "kept as given and compared as text",
        f"In row 3, date_of_birth: record 2: Date of birth must be in the past "
        f"('{next_year}-01-01'): kept as given and compared as text",
        "In row 4, date_of_birth: record 3: Date of birth must be YYYY-MM-DD "
        "(or YYYY-MM, YYYY, or DD/MM/YYYY) ('yesterday'): kept as given and compared as text",
        "In row 5, date_of_birth: record 4: Date of birth must be after 1900 ('1850'): "
        "kept as given and compared as text",
        "In row 7, date_of_birth: record 6: Date of birth must be a real date ('1950-43-06'): "
        "kept as given and compared as text",
    ]
    stored = {
        r.record_id: (r.date_of_birth, r.date_of_birth_given) for r in SourceRecord.objects.all()
    }
    # Nothing lost: the text as sent, and the parsed date only when it is real.
    assert stored["1"] == ("", "2010-02-30")
    assert stored["5"] == ("2010-07", "2010-07")
    assert stored["6"] == ("", "1950-43-06")
    audit = AuditEvent.objects.get(action="source_record.import")
    assert audit.details["doubtful"] == 5


def test_the_import_page_lists_the_dates_kept_as_sent(officer) -> None:  # type: ignore[no-untyped-def]
    data = "record_id,given_name,date_of_birth\nA-1,Ann,1950-43-06\nA-2,Bob,1950-04-06\n"
    result = source_records_import(actor=officer, system="MIS", data=data.encode())
    client = Client()
    sign_in(client, officer)
    page = client.get(reverse("linkage:import_detail", args=[result.batch.pk]))
    text = page.content.decode()
    assert "Dates of birth kept as sent" in text
    assert "1950-43-06" in text and "A-1" in text and "A-2" not in text


def test_a_file_with_no_doubtful_date_lists_none(officer) -> None:  # type: ignore[no-untyped-def]
    result = source_records_import(actor=officer, system="MIS", data=GOOD.encode())
    assert result.doubtful == []
    client = Client()
    sign_in(client, officer)
    page = client.get(reverse("linkage:import_detail", args=[result.batch.pk]))
    assert "Dates of birth kept as sent" not in page.content.decode()


def test_an_overlong_date_of_birth_still_refuses_the_file(officer) -> None:  # type: ignore[no-untyped-def]
    data = f"record_id,given_name,date_of_birth\n1,Ann,{'1' * 41}\n"
    assert _problems(officer, data.encode()) == [
        "In row 2, date_of_birth: Date of birth must be 40 characters or fewer"
    ]


def test_other_row_problems(officer) -> None:  # type: ignore[no-untyped-def]
    data = (
        "record_id,given_name,family_name,phone\n"
        ",Ann,Lee,\n"  # no id
        "2,Bob\n"  # a missing cell
        "3,,,\n"  # no name or identifier
        "4,Dee,Ray,\n"
        "4,Dee,Ray,\n"  # the same id twice
        f"6,{'x' * 101},Long,\n"  # overlong
        "7,Ann\x01,Lee,\n"  # control character
    )
    problems = _problems(officer, data.encode())
    assert problems == [
        "In row 2, record_id: Enter the record's id in the agency's system",
        "In row 3: 2 cells where the header has 4",
        "In row 4, given_name: A record needs a name or an identifier",
        "In row 6, record_id: the same record id as row 5",
        "In row 7, given_name: Given name must be 100 characters or fewer",
        "In row 8, given_name: Given name must not contain control characters",
    ]


def test_encodings(officer) -> None:  # type: ignore[no-untyped-def]
    latin = "record_id,given_name\n1,Zoë\n".encode("cp1252")
    problems = _problems(officer, latin)
    assert problems and "not UTF-8" in problems[0] and "row 2" in problems[0]
    source_records_import(actor=officer, system="MIS", data=latin, encoding="cp1252")
    assert SourceRecord.objects.get().given_name == "Zoë"
    bom = "\ufeffrecord_id,given_name\n2,Siân\n".encode()
    source_records_import(actor=officer, system="MIS2", data=bom)
    assert SourceRecord.objects.get(record_id="2").given_name == "Siân"


def test_files_that_are_not_csv(officer) -> None:  # type: ignore[no-untyped-def]
    assert "empty" in _problems(officer, b"")[0]
    assert "no rows" in _problems(officer, b"record_id,given_name\n")[0]
    assert "not a CSV" in _problems(officer, b"record_id\x00\x01\n")[0]
    assert "not valid CSV" in _problems(officer, b'record_id,given_name\n1,"Ann\n')[0]


def test_markup_is_stored_as_text(officer) -> None:  # type: ignore[no-untyped-def]
    source_records_import(
        actor=officer, system="MIS", data=b"record_id,given_name\n1,<script>x</script>\n"
    )
    assert SourceRecord.objects.get().given_name == "<script>x</script>"


def test_the_system_name_is_required_and_nestguard_is_reserved(officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        source_records_import(actor=officer, system="", data=GOOD.encode())
    with pytest.raises(ValidationError):
        source_records_import(actor=officer, system="nestguard", data=GOOD.encode())


def test_the_import_page_lists_problems_and_imports_nothing(officer) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = sign_in(Client(), officer)
    bad = SimpleUploadedFile("bad.csv", b"record_id,given_name\n1,Ann\n1,Bob\n")
    response = client.post(
        "/person-index/imports/new/", {"system": "MIS", "file": bad, "encoding": "utf-8-sig"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was imported" in body
    assert "In row 3, record_id: the same record id as row 2" in body
    assert SourceRecord.objects.count() == 0
    good = SimpleUploadedFile("good.csv", GOOD.encode())
    response = client.post(
        "/person-index/imports/new/", {"system": "MIS", "file": good, "encoding": "utf-8-sig"}
    )
    assert response.status_code == 302
    assert SourceRecord.objects.count() == 2
    page = client.get(response["Location"])
    assert "2 new records from 2 rows" in page.content.decode()


def test_the_command_imports_all_or_nothing(officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_text("Ref,Forename\n1,Ann\n2,\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_source_records", str(bad), user=officer.username, system="MIS",
            map=["record_id=Ref", "given_name=Forename"], stderr=err,
        )  # fmt: skip
    assert "In row 3" in err.getvalue()
    assert SourceRecord.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = StringIO()
    call_command(
        "import_source_records", str(good), user=officer.username, system="MIS", stdout=out
    )
    assert "Imported 2 new record(s)" in out.getvalue()
