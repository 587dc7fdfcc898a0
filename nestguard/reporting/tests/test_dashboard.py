"""The partnership dashboard (decision 0093): small numbers never leave it, bad filters read
nothing, one audit event per view, and the ward boundaries' import is all-or-nothing."""

from __future__ import annotations

import io
import json
import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conftest import Personas, sign_in
from nestguard.audit.models import AuditEvent
from nestguard.core.models import format_reference
from nestguard.places.models import WardBoundary
from nestguard.places.services.wards import WardBoundaryImportError, validate_wards
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.reporting.charts import chart
from nestguard.reporting.period import last_complete_months
from nestguard.reporting.suppression import suppress
from nestguard.reporting.tables import counts_table
from tests.factories import AddressFactory, UserFactory

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
pytestmark = pytest.mark.time_machine(NOW)
SMALL = {"1", "2", "3", "4"}


def _square(e: int, n: int, size: int = 1000) -> list[list[list[int]]]:
    return [[[e, n], [e + size, n], [e + size, n + size], [e, n + size], [e, n]]]


def _grid_file(features: list[Any]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:27700"}},
        "features": features,
    }


def _ward(name: Any, coordinates: Any, kind: str = "Polygon") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


@pytest.fixture
def dashboard_world(personas: Personas, settings: Any) -> dict[str, Any]:
    """Two wards: Big Ward with 12 referrals from two agencies, Small Ward with 3 (a count
    the page must never show), all in October 2026 (inside the default period)."""
    settings.NESTGUARD_REPORT_MIN_WARD_ADDRESSES = 1
    big = [AddressFactory(ward="Big Ward") for _ in range(4)]
    small = [AddressFactory(ward="Small Ward")]
    referrers = [personas.owner, personas.partner]
    referrals = []
    for i in range(15):
        address = small[0] if i < 3 else big[i % 4]
        submitted = datetime(2026, 10, 1 + i, 9 + i % 3, 0, tzinfo=UTC)
        referrer = referrers[i % 2]
        referrals.append(
            Referral(
                reference=format_reference("referral", 9000 + i),
                status=ReferralStatus.DECLINED if i % 5 == 0 else ReferralStatus.SUBMITTED,
                referrer=referrer,
                referrer_agency=referrer.agency,
                address=address,
                concern_types=["cuckooing"],
                submitted_at=submitted,
                triage_due_at=submitted + timedelta(days=7),
                decided_at=submitted + timedelta(days=1) if i % 5 == 0 else None,
            )
        )
    Referral.objects.bulk_create(referrals)
    call_command_quiet("import_ward_boundaries", _write_tmp(_grid_file([
        _ward("Big Ward", _square(402000, 397000)),
        _ward("Small Ward", _square(403000, 397000)),
        _ward("Elsewhere", _square(404000, 397000)),  # no register address: "Other wards"
    ])))  # fmt: skip
    analyst = UserFactory(agency=personas.hub, roles=["analyst"])
    return {"analyst": analyst}


_TMP: list[Path] = []


def _write_tmp(document: Any) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False) as handle:
        json.dump(document, handle)
    _TMP.append(Path(handle.name))
    return handle.name


def call_command_quiet(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _cells(html: str) -> list[str]:
    """Every figure the page prints: table cells, chart labels, the map's values."""
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', html)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", html)
    features = re.search(
        r'<script id="ng-ward-features" type="application/json">(.*?)</script>', html, re.S
    )
    shown = [f["properties"]["shown"] for f in json.loads(features.group(1))] if features else []
    return [c.strip() for c in [*cells, *labels, *shown]]


@pytest.mark.django_db
def test_small_counts_never_leave_the_page(dashboard_world: dict[str, Any]) -> None:
    client = sign_in(Client(), dashboard_world["analyst"])
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Small Ward" in html and "Big Ward" in html
    printed = _cells(html)
    assert printed, "the page printed no figures"
    leaked = [c for c in printed if c.removesuffix("%") in SMALL]
    assert not leaked, leaked
    assert "[c]" in printed
    # The ward map: Small Ward is withheld, and so is the ward beside it (secondary: the
    # total of 15 would give it away).
    features = json.loads(
        re.search(
            r'<script id="ng-ward-features" type="application/json">(.*?)</script>', html, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    bands = {f["properties"]["name"]: f["properties"]["band"] for f in features}
    assert bands["Small Ward"] == "withheld"
    assert bands["Elsewhere"] == "other"  # too small to show alone, never "no referrals"
    # Each chart is an image with a title and a description, and a table beside it.
    assert html.count('role="img"') == 12
    assert html.count("<title id=") == 12 and html.count("<desc id=") == 12
    assert html.count('<table class="govuk-table ng-panel__table"') == 13


@pytest.mark.django_db
def test_every_table_row_has_one_cell_per_heading(dashboard_world: dict[str, Any]) -> None:
    """The tables beside the charts are laid out like the reports' (rows built in Python):
    one label and one cell per column, never a cell per character of a row."""
    html = sign_in(Client(), dashboard_world["analyst"]).get(reverse("reporting:dashboard"))
    tables = re.findall(
        r'<table class="govuk-table ng-panel__table".*?</table>', html.content.decode(), re.S
    )
    assert len(tables) == 13
    for table in tables:
        head, body = table.split("<tbody", 1)
        columns = head.count('<th scope="col"')
        rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)
        assert rows, table[:200]
        for row in rows:
            cells = len(re.findall(r"<t[hd][ >]", row))
            assert cells == columns or "colspan" in row, row[:300]
    wards = next(t for t in tables if "Big Ward" in t)
    big = re.search(r"Big Ward</th>(.*?)</tr>", wards, re.S)
    assert big and re.search(r">\s*(\d+|\[c\])\s*</td>", big.group(1)), wards[:500]


@pytest.mark.django_db
def test_one_audit_event_per_view_naming_the_period_and_filters(
    dashboard_world: dict[str, Any], personas: Personas
) -> None:
    client = sign_in(Client(), dashboard_world["analyst"])
    before = AuditEvent.objects.filter(action="dashboard.read").count()
    query = (
        "?from_day=1&from_month=9&from_year=2026&to_day=31&to_month=10&to_year=2026"
        f"&ward=Big+Ward&agency={personas.police.pk}"
    )
    assert client.get(reverse("reporting:dashboard") + query).status_code == 200
    events = AuditEvent.objects.filter(action="dashboard.read").order_by("-pk")
    assert events.count() == before + 1
    event = events.first()
    assert event is not None and event.purpose == "reporting"
    terms = event.details["terms"]
    assert terms["from"] == "2026-09-01" and terms["to"] == "2026-10-31"
    assert terms["ward"] == "Big Ward" and terms["agency"] == str(personas.police.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "from_day=1&from_month=10&from_year=2026&to_day=1&to_month=9&to_year=2026",
            "The end date must be on or after the start date",
        ),
        (
            "from_day=1&from_month=10&from_year=2026&to_day=14&to_month=10&to_year=2026",
            "The period must be at least 28 days",
        ),
        (
            "from_day=1&from_month=9&from_year=2026&to_day=31&to_month=10&to_year=2026"
            "&ward=Atlantis",
            "Choose a ward from the list",
        ),
        (
            "from_day=1&from_month=9&from_year=2026&to_day=31&to_month=10&to_year=2026"
            "&agency=00000000-0000-0000-0000-000000000e2e",
            "Choose an agency from the list",
        ),
        (
            "from_day=31&from_month=2&from_year=2026&to_day=31&to_month=10&to_year=2026",
            "First day must be a real date",
        ),
    ],
)
def test_bad_filters_show_the_error_summary_and_read_nothing(
    dashboard_world: dict[str, Any], query: str, message: str
) -> None:
    client = sign_in(Client(), dashboard_world["analyst"])
    before = AuditEvent.objects.filter(action="dashboard.read").count()
    response = client.get(reverse("reporting:dashboard") + "?" + query)
    assert response.status_code == 200  # a page with its error summary, as GOV.UK forms do
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert 'role="img"' not in html and "ng-ward-features" not in html
    assert AuditEvent.objects.filter(action="dashboard.read").count() == before


def test_the_default_period_is_the_last_twelve_complete_months(time_machine: Any) -> None:
    assert last_complete_months() == (date(2025, 11, 1), date(2026, 10, 31))
    time_machine.move_to(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert last_complete_months() == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_withheld_bar_has_one_size_whatever_the_count() -> None:
    def drawn(small: int) -> str:
        table = counts_table("t", "T", "Label", [("A", [small]), ("B", [40]), ("C", [30])])
        return str(chart(suppress(table)).svg)

    withheld = [
        re.search(r'class="ng-chart__withheld"[^>]*width="([\d.]+)"', drawn(n)) for n in (1, 4)
    ]
    assert withheld[0] and withheld[1] and withheld[0].group(1) == withheld[1].group(1)
    assert drawn(1) == drawn(4)  # nothing in the picture differs with the hidden count
    assert 'role="img"' in drawn(1) and "[c]" in drawn(1)


# ---------------------------------------------------------------------------------------------
# Ward boundaries


@pytest.fixture
def no_wards() -> None:
    """No ward boundaries to start from: the package's seeded borough (conftest `world`, kept
    for the whole package) has its twenty, and this test's rollback restores them."""
    WardBoundary.objects.all().delete()


@pytest.mark.django_db
def test_the_import_writes_nothing_when_any_feature_is_bad(no_wards: None) -> None:
    WardBoundary.objects.create(name="Kept", geometry={"type": "Polygon", "coordinates": []})
    bad = _grid_file([
        _ward("Good Ward", _square(402000, 397000)),
        _ward("", _square(403000, 397000)),
        _ward("Open Ring", [[[402000, 397000], [403000, 397000], [403000, 398000], [402, 398]]]),
        _ward("Far Away", _square(9_000_000, 397000)),
        _ward("Good Ward", _square(404000, 397000)),
        {"type": "Feature", "properties": {"name": "Point"},
         "geometry": {"type": "Point", "coordinates": [1, 2]}},
    ])  # fmt: skip
    with pytest.raises(CommandError, match="5 problem"):
        call_command_quiet("import_ward_boundaries", _write_tmp(bad))
    assert set(WardBoundary.objects.values_list("name", flat=True)) == {"Kept"}
    with pytest.raises(WardBoundaryImportError) as caught:
        validate_wards(bad)
    reported = [str(e) for e in caught.value.errors]
    assert [r.split(":")[0] for r in reported] == [
        "feature 2", "feature 3", "feature 4", "feature 5", "feature 6",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_good_file_is_converted_to_longitude_and_latitude_and_replaces_by_name(
    no_wards: None,
) -> None:
    imports_before = AuditEvent.objects.filter(action="ward_boundary.import").count()
    good = _grid_file(
        [_ward("North", _square(402000, 397000)), _ward("South", _square(402000, 396000))]
    )
    out, _ = call_command_quiet("import_ward_boundaries", _write_tmp(good))
    assert "2 wards created" in out
    north = WardBoundary.objects.get(name="North").geometry
    lon, lat = north["coordinates"][0][0]
    assert -3 < lon < -1 and 53 < lat < 54  # the grid square in Greater Manchester
    out, _ = call_command_quiet(
        "import_ward_boundaries", _write_tmp(_grid_file([good["features"][0]]))
    )
    assert "0 wards created, 1 updated" in out
    assert WardBoundary.objects.count() == 2
    assert AuditEvent.objects.filter(action="ward_boundary.import").count() == imports_before + 2


@pytest.mark.django_db
def test_an_unreadable_file_is_refused(no_wards: None) -> None:
    path = _write_tmp({"type": "Feature"})
    with pytest.raises(CommandError, match="1 problem"):
        call_command_quiet("import_ward_boundaries", path)
    Path(path).write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="1 problem"):
        call_command_quiet("import_ward_boundaries", path)
    assert not WardBoundary.objects.exists()


@pytest.mark.django_db
def test_a_new_count_is_laid_out_again_not_the_kept_panels(
    dashboard_world: dict[str, Any],
) -> None:
    """The panels of a shown copy are laid out once per process (decision 0129): a change
    makes a new copy, whose panels are laid out anew, and they are what a process that kept
    nothing lays out; every view is still recorded."""
    from nestguard.reporting import reading
    from nestguard.reporting.views import common

    client = sign_in(Client(), dashboard_world["analyst"])
    url = reverse("reporting:dashboard")

    def page() -> str:  # the page but its form's token, which is new every time
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    first = page()
    assert page() == first  # the kept panels
    # Two more declined in Big Ward: a save, so the marker moves and the count is new.
    for referral in Referral.objects.filter(
        address__ward="Big Ward", status=ReferralStatus.SUBMITTED
    )[:2]:
        referral.status, referral.decided_at = ReferralStatus.DECLINED, referral.submitted_at
        referral.save()
    after = page()
    assert _cells(after) != _cells(first)
    common._rendered.clear()
    reading._unpacked_copies.clear()
    assert page() == after
    assert AuditEvent.objects.filter(action="dashboard.read").count() == 4


@pytest.mark.django_db
def test_the_kept_form_fields_show_what_each_request_asked_for(
    dashboard_world: dict[str, Any], personas: Personas
) -> None:
    """The period form's fields are laid out once per value and choices (decision 0135): each
    request still shows its own period and filters selected, a field with an error is laid
    out with its message (and the next good request without it), and the kept HTML is what a
    process that kept nothing lays out."""
    from nestguard.reporting.views import common

    client = sign_in(Client(), dashboard_world["analyst"])
    url = reverse("reporting:dashboard")
    period = "?from_day=1&from_month=9&from_year=2026&to_day=31&to_month=10&to_year=2026"

    def page(query: str) -> str:
        html = client.get(url + query).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    def selected(html: str) -> set[str]:
        return set(re.findall(r'<option value="([^"]*)" selected>', html))

    police, hub = str(personas.police.pk), str(personas.hub.pk)
    assert selected(page(f"{period}&agency={police}")) == {"", police}  # ward, agency
    assert selected(page(f"{period}&agency={hub}")) == {"", hub}
    assert selected(page(f"{period}&ward=Big+Ward")) == {"Big Ward", ""}
    assert 'value="2026"' in page(period) and 'value="2025"' not in page(period)
    assert 'value="2025"' in page(period.replace("from_year=2026", "from_year=2025"))

    wrong = page(f"{period}&ward=Atlantis")
    assert "govuk-error-summary" in wrong and "Choose a ward from the list" in wrong
    good = page(f"{period}&ward=Big+Ward")
    assert "govuk-error-summary" not in good and "Choose a ward" not in good

    common._period_fields.clear()
    assert page(f"{period}&ward=Big+Ward") == good
