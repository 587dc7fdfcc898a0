"""Importing the address register: every bad row reported, nothing written on failure, an
idempotent batched upsert on UPRN, and the missing coordinate pair converted with pyproj."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.audit.models import AuditEvent
from nestguard.places.models import Address
from nestguard.places.services.register import (
    REGISTER_COLUMNS,
    RegisterImportError,
    address_register_import,
    grid_to_latlon,
    latlon_to_grid,
    write_register,
)

pytestmark = pytest.mark.django_db
HEADER = ",".join(REGISTER_COLUMNS)


def csv_of(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


GOOD = [
    "770000000001,1 Mill Lane,,Northbrook,NB1 2AB,402100,397100,,,Central,council,"
    "Northbrook Council",
    "770000000002,Flat 2,Mill House,Northbrook,nb12ab,,,53.4808,-2.2426,Central,"
    "private_rented,A Landlord",
    "770000000003,Rose Cottage,,Northbrook,NB1 2AD,402300,397300,53.472428,-1.966818,Riverside,,",
]


def test_a_good_file_is_imported_with_both_coordinate_pairs() -> None:
    result = address_register_import(actor=None, stream=csv_of(*GOOD[:2]))
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    grid_only = Address.objects.get(uprn="770000000001")
    lat, lon = grid_to_latlon(402100, 397100)
    assert grid_only.latitude == pytest.approx(lat, abs=1e-6)
    assert grid_only.longitude == pytest.approx(lon, abs=1e-6)
    assert grid_only.postcode == "NB1 2AB" and grid_only.postcode_key == "NB12AB"
    assert grid_only.in_register and grid_only.tenure == "council"
    wgs_only = Address.objects.get(uprn="770000000002")
    easting, northing = latlon_to_grid(53.4808, -2.2426)
    assert (wgs_only.easting, wgs_only.northing) == (round(easting), round(northing))
    assert wgs_only.postcode == "NB1 2AB"
    event = AuditEvent.objects.get(action="address.register_import")
    assert event.details == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}


def test_importing_twice_changes_nothing_and_a_change_updates_one_row() -> None:
    address_register_import(actor=None, stream=csv_of(*GOOD[:2]))
    again = address_register_import(actor=None, stream=csv_of(*GOOD[:2]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = GOOD[0].replace("council,Northbrook Council", "housing_association,Canal Homes")
    third = address_register_import(actor=None, stream=csv_of(changed, GOOD[1]), batch_size=1)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Address.objects.get(uprn="770000000001").landlord == "Canal Homes"
    assert Address.objects.count() == 2


def test_a_changed_row_says_when_it_changed() -> None:
    """Its `updated_at` moves (the person index rebuilds its copy of the register on it);
    an unchanged row's does not."""
    address_register_import(actor=None, stream=csv_of(*GOOD[:2]))
    before = dict(Address.objects.values_list("uprn", "updated_at"))
    changed = GOOD[0].replace("1 Mill Lane", "1 Mill Road")
    address_register_import(actor=None, stream=csv_of(changed, GOOD[1]))
    after = dict(Address.objects.values_list("uprn", "updated_at"))
    assert after["770000000001"] > before["770000000001"]
    assert after["770000000002"] == before["770000000002"]


def test_empty_tenure_is_unknown() -> None:
    address_register_import(actor=None, stream=csv_of(GOOD[2].replace("53.472428,-1.966818", ",")))
    assert Address.objects.get(uprn="770000000003").tenure == "unknown"


BAD_ROWS = [
    ("", "uprn", "Missing"),
    ("0123", "uprn", "not starting with 0"),
    ("12345678901234", "uprn", "1 to 12 digits"),
    ("abc", "uprn", "1 to 12 digits"),
]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (",1 Mill Lane,,Northbrook,NB1 2AB,402100,397100,,,C,council,", "uprn", "Missing"),
        ("0123,1 Mill Lane,,Northbrook,NB1 2AB,402100,397100,,,C,council,", "uprn", "not starting"),
        ("1234567890123,1 A St,,T,NB1 2AB,402100,397100,,,C,council,", "uprn", "1 to 12 digits"),
        ("77,,,Northbrook,NB1 2AB,402100,397100,,,C,council,", "address_line1", "Missing"),
        ("77," + "x" * 201 + ",,T,NB1 2AB,402100,397100,,,C,council,", "address_line1", "200"),
        ("77,1 A St,,T,,402100,397100,,,C,council,", "postcode", "Missing"),
        ("77,1 A St,,T,NOT A CODE,402100,397100,,,C,council,", "postcode", "Not a full UK"),
        ("77,1 A St,,T,NB1 2AB,,,,,C,council,", "easting", "Give easting and northing"),
        ("77,1 A St,,T,NB1 2AB,402100,,,,C,council,", "northing", "Missing"),
        ("77,1 A St,,T,NB1 2AB,,,53.4,,C,council,", "longitude", "Missing"),
        ("77,1 A St,,T,NB1 2AB,east,397100,,,C,council,", "easting", "not a number"),
        ("77,1 A St,,T,NB1 2AB,nan,397100,,,C,council,", "easting", "outside"),
        ("77,1 A St,,T,NB1 2AB,-5,397100,,,C,council,", "easting", "outside"),
        ("77,1 A St,,T,NB1 2AB,,,91,-2.2,C,council,", "latitude", "outside"),
        ("77,1 A St,,T,NB1 2AB,402100,397100,51.5,-0.12,C,council,", "latitude", "m from the"),
        ("77,1 A St,,T,NB1 2AB,402100,397100,,,C,mansion,", "tenure", "Unknown tenure"),
        ("77,1 A\x07St,,T,NB1 2AB,402100,397100,,,C,council,", "address_line1", "control"),
        ("77,1 A St,,T,NB1 2AB,402100,397100,,,C,council", "row", "wrong number of fields"),
        ("77,1 A St,,T,NB1 2AB,402100,397100,,,C,council,x,extra", "row", "wrong number"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(row: str, column: str, reason: str) -> None:
    with pytest.raises(RegisterImportError) as caught:
        address_register_import(actor=None, stream=csv_of(GOOD[0], row, GOOD[1]))
    errors = caught.value.errors
    assert any(e.row == 3 and e.column == column and reason in e.reason for e in errors), errors
    assert all(e.row == 3 for e in errors)  # the good rows around it are not blamed
    assert not Address.objects.exists()
    assert not AuditEvent.objects.filter(action="address.register_import").exists()


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    rows = [
        "1,,,T,NB1 2AB,402100,397100,,,C,council,",
        "2,2 A St,,T,BAD,402100,397100,,,C,council,",
        GOOD[0],
        "770000000001,Again,,T,NB1 2AB,402100,397100,,,C,council,",
    ]
    with pytest.raises(RegisterImportError) as caught:
        address_register_import(actor=None, stream=csv_of(*rows))
    found = [(e.row, e.column) for e in caught.value.errors]
    assert found == [(2, "address_line1"), (3, "postcode"), (5, "uprn")]
    assert "also on row 4" in caught.value.errors[-1].reason


def test_markup_is_stored_as_text() -> None:
    row = GOOD[0].replace("1 Mill Lane", "<script>alert(1)</script>")
    address_register_import(actor=None, stream=csv_of(row))
    assert Address.objects.get().line1 == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("uprn,address_line1", "missing address_line2"),
        (HEADER + ",extra", "unknown extra"),
        (",".join(reversed(REGISTER_COLUMNS)), "out of order"),
        ("", "missing uprn"),
    ],
)
def test_a_wrong_header_is_refused(header: str, reason: str) -> None:
    with pytest.raises(RegisterImportError) as caught:
        address_register_import(actor=None, stream=io.StringIO(header + "\n" + GOOD[0] + "\n"))
    (error,) = caught.value.errors
    assert error.row == 1 and error.column == "header" and reason in error.reason


def test_the_command_reports_rows_and_refuses_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "register.csv"
    good.write_text("\ufeff" + csv_of(*GOOD).getvalue(), encoding="utf-8")  # Excel's BOM
    out = io.StringIO()
    call_command("import_addresses", str(good), stdout=out)
    assert "3 rows: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("import_addresses", str(good), stdout=out)
    assert "0 created, 0 updated, 3 unchanged" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_of(GOOD[0].replace("NB1 2AB", "??")).getvalue(), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_addresses", str(bad), stderr=err)
    assert "row 2, postcode: Not a full UK postcode" in err.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_addresses", str(tmp_path / "missing.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(csv_of(GOOD[0].replace("Mill", "M\u00eell")).getvalue().encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_addresses", str(latin))


def test_export_then_import_changes_nothing(tmp_path: Path) -> None:
    address_register_import(actor=None, stream=csv_of(*GOOD))
    out = tmp_path / "export.csv"
    call_command("export_addresses", str(out), stdout=io.StringIO())
    with out.open(encoding="utf-8") as stream:
        result = address_register_import(actor=None, stream=stream)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_write_register_writes_the_import_columns() -> None:
    address_register_import(actor=None, stream=csv_of(GOOD[0]))
    buffer = io.StringIO()
    assert write_register(buffer, Address.objects.all()) == 1
    assert buffer.getvalue().splitlines()[0] == HEADER


# Properties ----------------------------------------------------------------------------


@given(
    # England and Wales on land, where partnerships work.
    easting=st.integers(min_value=300_000, max_value=550_000),
    northing=st.integers(min_value=100_000, max_value=500_000),
)
def test_grid_to_wgs84_and_back_lands_within_a_metre(easting: int, northing: int) -> None:
    lat, lon = grid_to_latlon(easting, northing)
    back_e, back_n = latlon_to_grid(round(lat, 6), round(lon, 6))
    assert abs(back_e - easting) < 1 and abs(back_n - northing) < 1


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(CELL, min_size=12, max_size=12))
def test_any_row_is_imported_or_reported_never_crashes(cells: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    writer.writerow(cells)
    buffer.seek(0)
    before = Address.objects.count()
    try:
        address_register_import(actor=None, stream=buffer)
    except RegisterImportError as exc:
        assert exc.errors and all(e.row >= 2 for e in exc.errors)
        assert Address.objects.count() == before


def test_a_stray_carriage_return_is_reported_not_raised() -> None:
    stream = io.StringIO(HEADER + "\n" + GOOD[0] + "\n" + "1,2,3,4,5,6,7,8,9,10,11,\r0\n")
    with pytest.raises(RegisterImportError) as caught:
        address_register_import(actor=None, stream=stream)
    assert caught.value.errors[0].column == "row"
    assert "Not readable as CSV" in caught.value.errors[0].reason
    assert not Address.objects.exists()


@given(st.characters())
def test_the_register_refuses_the_same_control_characters_as_every_form(ch: str) -> None:
    from django.core.exceptions import ValidationError

    from nestguard.core.forms import clean_text
    from nestguard.places.services.register import _CONTROL

    try:
        clean_text(f"a{ch}b", label="x")
        refused = False
    except ValidationError:
        refused = True
    assert refused == bool(_CONTROL.search(f"a{ch}b"))
