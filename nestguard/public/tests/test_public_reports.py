"""Public reporting (issue 12 point 6, decision 0100): the page without sign-in, its cookies,
honeypot, rate limit, the triage of public reports and the repeat-address rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.places.models import AddressReport, RepeatAddressAlert
from nestguard.public import services
from nestguard.public.models import PublicReport, PublicReportStatus, SubmissionCount

URL = "/report-exploitation/"
IP = "203.0.113.7"


def _form(**overrides: Any) -> dict[str, Any]:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data: dict[str, Any] = {
        "signs": ["visitors", "resident_afraid"],
        "details": "Cars outside late at night; my neighbour looks frightened.",
        "address_line1": "14 Testing Street",
        "address_town": "Northbrook",
        "postcode": "nb1 2ab",
        "seen_on_day": str(yesterday.day),
        "seen_on_month": str(yesterday.month),
        "seen_on_year": str(yesterday.year),
        "seen_when_text": "Most evenings after 10pm",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "website": "",
    }
    data.update(overrides)
    return data


def _post(data: dict[str, Any], ip: str = IP) -> Any:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    page = client.get(URL)
    token = page.cookies["csrftoken"].value
    return client.post(URL, data, HTTP_X_CSRFTOKEN=token, REMOTE_ADDR=ip)


def _cookie_names(response: Any) -> set[str]:
    return set(response.cookies.keys())


@pytest.mark.django_db
def test_the_page_needs_no_sign_in_and_warns_999_first(personas: Personas) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("call 999") < html.index("<h1")
    assert "Crimestoppers" in html and "Fearless" in html
    # No third-party scripts: every script is our own, from our static files.
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/static/"), src
    assert "sessionid" not in _cookie_names(response)
    assert _cookie_names(response) <= {"csrftoken"}


@pytest.mark.django_db
def test_a_report_lands_awaiting_triage_with_a_reference_and_only_the_csrf_cookie(
    personas: Personas,
) -> None:
    response = _post(_form(contact_email="neighbour@example.com"))
    assert response.status_code == 200
    report = PublicReport.objects.get()
    assert report.status == PublicReportStatus.AWAITING
    assert report.decided_by is None
    assert report.postcode == "NB1 2AB"
    assert report.signs == ["visitors", "resident_afraid"]
    assert report.contact_email == "neighbour@example.com"
    assert re.fullmatch(r"PR-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", report.reference)
    html = response.content.decode()
    assert report.reference in html
    # The thank-you page says nothing of what is known about the address or the report.
    assert "14 Testing Street" not in html
    assert _cookie_names(response) <= {"csrftoken"}
    assert AuditEvent.objects.filter(action="public_report.submit", actor=None).count() == 1


@pytest.mark.django_db
def test_references_are_unguessable(personas: Personas) -> None:
    references = {services.new_reference() for _ in range(500)}
    assert len(references) == 500
    # Not a counter: two in a row share no long common prefix.
    first, second = services.new_reference(), services.new_reference()
    assert first[:9] != second[:9]


@pytest.mark.django_db
def test_a_filled_honeypot_gets_the_same_thanks_and_nothing_is_stored(
    personas: Personas,
) -> None:
    response = _post(_form(website="http://spam.example"))
    assert response.status_code == 200
    assert "Report sent" in response.content.decode()
    assert re.search(r"PR-[2-9A-Z]{4}-", response.content.decode())
    assert not PublicReport.objects.exists()
    assert not SubmissionCount.objects.exists()
    assert not AddressReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"signs": [], "details": ""}, "signs", "Select the signs you noticed, or tell us"),
        ({"postcode": ""}, "postcode", "Enter the postcode of the place"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a full UK postcode"),
        ({"seen_on_day": "", "seen_on_month": "", "seen_on_year": ""}, "seen_on", "Enter the date"),
        ({"seen_on_year": "2999"}, "seen_on", "today or in the past"),
        ({"contact_email": "not-an-email"}, "contact_email", "correct format"),
        ({"signs": ["no_such_sign"]}, "signs", "Select the signs you noticed"),
    ],
)
def test_bad_input_shows_the_error_summary_and_stores_nothing(
    personas: Personas, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = _post(_form(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error:" in html
    assert not PublicReport.objects.exists()
    assert not AddressReport.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_per_ip_refuses_the_sixth_report_in_an_hour(personas: Personas) -> None:
    for _ in range(5):
        assert _post(_form()).status_code == 200
    refused = _post(_form())
    assert refused.status_code == 429
    assert "govuk-error-summary" in refused.content.decode()
    assert PublicReport.objects.count() == 5
    # Another connection is not held back by this one.
    assert _post(_form(postcode="NB9 9ZZ"), ip="198.51.100.4").status_code == 200
    # The IP address is never stored: only its keyed hash.
    stored = list(SubmissionCount.objects.values_list("key_hash", flat=True))
    assert IP not in " ".join(stored)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)


@pytest.mark.django_db
def test_the_rate_limit_per_postcode_holds_across_addresses(personas: Personas) -> None:
    for n in range(10):
        assert _post(_form(), ip=f"198.51.100.{n + 1}").status_code == 200
    assert _post(_form(), ip="198.51.100.99").status_code == 429
    assert PublicReport.objects.count() == 10


@pytest.mark.django_db
def test_old_counts_are_forgotten(personas: Personas) -> None:
    _post(_form())
    assert SubmissionCount.objects.count() == 2
    SubmissionCount.objects.update(window_start=timezone.now() - dt.timedelta(days=3))
    _post(_form())
    assert SubmissionCount.objects.count() == 2  # the old ones went, the new ones came


def _report(**overrides: Any) -> PublicReport:
    data: dict[str, Any] = {
        "signs": ["visitors"],
        "details": "",
        "address_line1": "14 Testing Street",
        "address_town": "Northbrook",
        "postcode": "NB1 2AB",
        "seen_on": timezone.localdate(),
        "contact_name": "A Neighbour",
        "contact_phone": "01632 960 111",
    }
    data.update(overrides)
    return services.public_report_submit(actor=None, **data)


@pytest.mark.django_db
def test_three_public_reports_at_one_address_raise_the_repeat_alert(personas: Personas) -> None:
    first = _report()
    assert first.address is not None
    report = AddressReport.objects.get()
    assert report.kind == "public_report"
    assert report.recorded_by is None
    assert "A Neighbour" not in report.summary  # the reporter never reaches the address
    assert not RepeatAddressAlert.objects.exists()
    _report()
    _report()
    alert = RepeatAddressAlert.objects.get(address=first.address)
    assert alert.report_count == 3


@pytest.mark.django_db
def test_a_postcode_alone_is_a_report_but_not_at_an_address(personas: Personas) -> None:
    report = _report(address_line1="", address_town="")
    assert report.address is None
    assert report.postcode == "NB1 2AB"
    assert not AddressReport.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_record_a_public_report_kind(personas: Personas, client_for: Any) -> None:
    from django.core.exceptions import ValidationError

    from nestguard.places.services.repeats import address_report_record

    address = _report().address
    with pytest.raises(ValidationError) as caught:
        address_report_record(
            actor=personas.owner,
            address=address,
            kind="public_report",
            occurred_on=timezone.localdate(),
            summary="Pretending to be the public",
        )
    assert "kind" in caught.value.message_dict


@pytest.mark.django_db
def test_the_hub_triage_team_sees_public_reports_clearly_and_decides(
    personas: Personas, client_for: Any
) -> None:
    report = _report()
    owner = client_for("owner")
    queue = owner.get(reverse("referrals:triage_queue")).content.decode()
    assert "Public reports" in queue and reverse("public:queue") in queue
    listing = owner.get(reverse("public:queue")).content.decode()
    assert report.reference in listing and "Public report" in listing
    assert "A Neighbour" not in listing  # contact details only on the report itself
    detail = owner.get(reverse("public:detail", kwargs={"pk": report.pk})).content.decode()
    assert "A Neighbour" in detail and "01632 960 111" in detail
    assert AuditEvent.objects.filter(action="public_report.view", actor=personas.owner).exists()
    # Rejecting needs a reason.
    refused = owner.post(reverse("public:detail", kwargs={"pk": report.pk}), {"decision": "reject"})
    assert "Explain why you are rejecting the report" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == PublicReportStatus.AWAITING
    done = owner.post(
        reverse("public:detail", kwargs={"pk": report.pk}),
        {"decision": "reject", "reason": "Same as an open case"},
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == PublicReportStatus.REJECTED
    assert report.decided_by == personas.owner


@pytest.mark.django_db
def test_a_triager_accepts_a_public_report(personas: Personas) -> None:
    report = _report()
    services.public_report_triage(actor=personas.supervisor, report=report, decision="accept")
    report.refresh_from_db()
    assert report.status == PublicReportStatus.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "outsider", "ended_partner"])
def test_nobody_outside_the_hub_sees_a_public_report(
    personas: Personas, client_for: Any, persona: str
) -> None:
    report = _report()
    client = client_for(persona)
    assert client.get(reverse("public:detail", kwargs={"pk": report.pk})).status_code == 404
    listing = client.get(reverse("public:queue")).content.decode()
    assert report.reference not in listing


@pytest.mark.django_db
def test_the_reference_opens_nothing(personas: Personas) -> None:
    report = _report()
    client = Client()
    for path in (f"{URL}?reference={report.reference}", f"/public-reports/{report.pk}/"):
        response = client.get(path)
        assert report.reference not in response.content.decode()
        assert "A Neighbour" not in response.content.decode()
