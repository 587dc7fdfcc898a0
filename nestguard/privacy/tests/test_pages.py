"""The DPO's pages and files: what they show, that the files open, and what is audited."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from odf.opendocument import load
from odf.table import Table

from nestguard.audit.models import AuditEvent
from nestguard.privacy.models import Breach

from .conftest import Officers, client_as, record

pytestmark = pytest.mark.django_db


def _sheets(content: bytes) -> dict[str, str]:
    document = load(io.BytesIO(content))
    return {
        str(sheet.getAttribute("name")): str(sheet)
        for sheet in document.spreadsheet.getElementsByType(Table)
    }


def test_ropa_page_and_files(officers: Officers) -> None:
    client = client_as(officers.hub)
    page = client.get(reverse("privacy:ropa")).content.decode()
    assert "Northbrook exploitation information sharing agreement" in page
    assert "See the retention schedule" in page
    assert "Reviewing record linkage" in page
    ods = client.get(reverse("privacy:ropa_export", kwargs={"fmt": "ods"}))
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert zipfile.is_zipfile(io.BytesIO(ods.content))
    sheets = _sheets(ods.content)
    assert set(sheets) == {
        "Controller",
        "Processing activities",
        "Record classes",
        "Sharing agreements",
        "Security measures",
    }
    assert "Case work" in sheets["Processing activities"]
    pdf = client.get(reverse("privacy:ropa_export", kwargs={"fmt": "pdf"}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "record-of-processing-" in pdf["Content-Disposition"]
    exports = AuditEvent.objects.filter(action="ropa.export").order_by("occurred_at")
    assert [e.details["format"] for e in exports] == ["ods", "pdf"]


def test_dpia_page_and_files(officers: Officers) -> None:
    client = client_as(officers.police)
    page = client.get(reverse("privacy:dpia")).content.decode()
    assert "A DPIA is required" in page and "Data matching from multiple sources" in page
    pdf = client.get(reverse("privacy:dpia_export", kwargs={"fmt": "pdf"}))
    assert pdf.content.startswith(b"%PDF")
    assert "Screening" in _sheets(
        client.get(reverse("privacy:dpia_export", kwargs={"fmt": "ods"})).content
    )


def test_the_log_shows_overdue_and_reads_are_audited(officers: Officers) -> None:
    late = record(officers.hub, hours_ago=90, summary="Laptop left on a train")
    record(officers.hub, hours_ago=1)
    record(officers.police, hours_ago=1, summary="Police only")
    client = client_as(officers.hub)
    page = client.get(reverse("privacy:breaches")).content.decode()
    assert "Laptop left on a train" in page and "Police only" not in page
    assert page.count("Overdue") == 1
    listed = AuditEvent.objects.get(action="breach.list")
    assert listed.details["shown"] and len(listed.details["shown"]) == 2
    detail = client.get(reverse("privacy:breach", args=[late.pk])).content.decode()
    assert "Overdue: the ICO should have been told" in detail
    assert AuditEvent.objects.filter(action="breach.view", object_id=str(late.pk)).exists()
    ods = client.get(reverse("privacy:breach_export", kwargs={"fmt": "ods"}))
    log = _sheets(ods.content)["Breach log"]
    assert "OVERDUE" in log and "Police only" not in log
    assert client.get(reverse("privacy:breach_export", kwargs={"fmt": "pdf"})).content.startswith(
        b"%PDF"
    )


def test_record_assess_and_tell_through_the_pages(officers: Officers) -> None:
    client = client_as(officers.hub)
    now = timezone.localtime()
    aware = now - timedelta(hours=1)
    response = client.post(
        reverse("privacy:breach_new"),
        {
            "summary": "Case notes printed at the library",
            "what_happened": "Left on a printer",
            "data_involved": "Case notes",
            "people_affected": "2",
            "aware_date_day": aware.day,
            "aware_date_month": aware.month,
            "aware_date_year": aware.year,
            "aware_time": f"{aware:%H:%M}",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302 and breach.people_affected == 2
    refused = client.post(
        reverse("privacy:breach_assess", args=[breach.pk]),
        {
            "risk": "high",
            "risk_reasons": "Names of children",
            "notify_ico": "no",
            "tell_people": "yes",
        },
    )
    assert refused.status_code == 200
    assert "must be reported to the ICO" in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
    client.post(
        reverse("privacy:breach_assess", args=[breach.pk]),
        {
            "risk": "high",
            "risk_reasons": "Names of children",
            "notify_ico": "yes",
            "tell_people": "yes",
        },
    )
    told = client.post(
        reverse("privacy:breach_notice", args=[breach.pk]),
        {
            "audience": "ico",
            "told_date_day": now.day,
            "told_date_month": now.month,
            "told_date_year": now.year,
            "told_time": f"{now:%H:%M}",
            "ico_reference": "IC-99",
        },
    )
    assert told.status_code == 302
    breach.refresh_from_db()
    assert breach.risk == "high" and breach.ico_reference == "IC-99"
    assert breach.ico_notified_at is not None


def test_the_new_breach_form_shows_its_errors(officers: Officers) -> None:
    response = client_as(officers.hub).post(reverse("privacy:breach_new"), {"aware_time": "25:00"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a summary" in body and "Enter date you became aware" in body
    assert not Breach.objects.exists()
