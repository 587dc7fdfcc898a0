"""The repeat-address rule (data): reports within the window raise one open alert for the
police and ASB leads, whose decision is recorded; the agenda source proposes open alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case
from nestguard.core.agenda import AgendaScope, candidates_for
from nestguard.people.tests.builders import make_referral
from nestguard.places.models import AddressReport, RepeatAddressAlert
from nestguard.places.policy import places_rules
from nestguard.places.services.repeats import (
    address_report_record,
    repeat_address_check,
    repeat_address_scan,
    repeat_alert_decide,
)
from nestguard.places.tests.conftest import days
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
RULE = places_rules().repeat_address


def report(actor, address, on=None, kind="incident"):  # type: ignore[no-untyped-def]
    return address_report_record(
        actor=actor, address=address, kind=kind, occurred_on=on or days(0), summary="Seen"
    )


def test_the_default_rule_is_pinned() -> None:
    assert (RULE.threshold, RULE.window_days) == (3, 90)
    assert set(RULE.counts) == {"referral", "partner_intelligence", "incident", "public_report"}
    assert set(RULE.queue_agency_types) == {"police", "community_safety"}
    assert "Operation Trespass" in RULE.source


def test_three_reports_raise_one_alert(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    report(personas.partner, address)
    report(personas.partner, address, kind="partner_intelligence")
    assert not RepeatAddressAlert.objects.exists()
    make_referral(
        referrer=personas.referrer, subjects=[(PersonFactory(), "victim")],
        triage_agencies=[personas.hub], address=address,
    )  # fmt: skip
    alert = repeat_address_check(actor=None, address=address)
    assert alert is not None and alert.report_count == 3
    report(personas.partner, address)  # a fourth: still the one alert
    assert RepeatAddressAlert.objects.filter(address=address).count() == 1
    assert AuditEvent.objects.filter(action="repeat_alert.raise").count() == 1


def test_the_window_edge(personas):  # type: ignore[no-untyped-def]
    inside = AddressFactory()
    for _ in range(2):
        report(personas.partner, inside)
    report(personas.partner, inside, on=days(-(RULE.window_days - 1)))  # day 90 of 90
    assert RepeatAddressAlert.objects.filter(address=inside).exists()
    outside = AddressFactory()
    report(personas.partner, outside, on=days(-RULE.window_days))  # day 91: too old
    for _ in range(2):
        report(personas.partner, outside)
    assert not RepeatAddressAlert.objects.filter(address=outside).exists()


def test_after_a_decision_only_new_reports_count(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for _ in range(3):
        report(personas.partner, address)
    alert = RepeatAddressAlert.objects.get(address=address)
    repeat_alert_decide(actor=personas.owner, alert=alert, decision="partnership_visit", reason="")
    report(personas.partner, address)
    report(personas.partner, address)
    assert not RepeatAddressAlert.objects.filter(address=address, status="open").exists()
    report(personas.partner, address)
    assert RepeatAddressAlert.objects.filter(address=address, status="open").count() == 1


def test_no_action_needs_a_reason_and_only_the_leads_decide(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for _ in range(3):
        report(personas.partner, address)
    alert = RepeatAddressAlert.objects.get()
    with pytest.raises(ValidationError) as caught:
        repeat_alert_decide(actor=personas.owner, alert=alert, decision="no_action", reason=" ")
    assert caught.value.message_dict == {"reason": ["Give the reason for taking no action"]}
    with pytest.raises(ValidationError):
        repeat_alert_decide(actor=personas.owner, alert=alert, decision="shrug", reason="")
    with pytest.raises(PermissionDenied):
        repeat_alert_decide(actor=personas.outsider, alert=alert, decision="no_action", reason="x")
    repeat_alert_decide(
        actor=personas.partner, alert=alert, decision="no_action", reason="Reports were one feud"
    )
    alert.refresh_from_db()
    assert (alert.status, alert.decision, alert.decided_by) == (
        "decided",
        "no_action",
        personas.partner,
    )
    with pytest.raises(ValidationError):
        repeat_alert_decide(
            actor=personas.owner, alert=alert, decision="partnership_visit", reason=""
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"occurred_on": None}, "occurred_on"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
    ],
)
def test_bad_reports_are_refused(personas, values, field):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    base = {"kind": "incident", "occurred_on": days(0), "summary": "Seen"}
    with pytest.raises(ValidationError) as caught:
        address_report_record(actor=personas.partner, address=address, **{**base, **values})
    assert field in caught.value.message_dict
    assert not AddressReport.objects.exists()


def test_a_future_report_is_refused(personas):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        report(personas.partner, AddressFactory(), on=days(1))
    with pytest.raises(PermissionDenied):
        report(personas.referrer, AddressFactory())


def test_the_scan_finds_what_the_rule_says(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for _ in range(3):
        AddressReport.objects.create(
            address=address, kind="incident", occurred_on=days(-1), summary="x",
            agency=personas.police,
        )  # fmt: skip
    AddressReport.objects.create(
        address=AddressFactory(), kind="incident", occurred_on=days(-1), summary="x",
        agency=personas.police,
    )  # fmt: skip
    raised = repeat_address_scan(actor=None)
    assert [a.address for a in raised] == [address]
    assert repeat_address_scan(actor=None) == raised  # idempotent


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ages=st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_an_alert_exactly_when_enough_reports_fall_in_the_window(personas, ages):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for age in ages:
        AddressReport.objects.create(
            address=address, kind="incident", occurred_on=days(-age), summary="x",
            agency=personas.police,
        )  # fmt: skip
    alert = repeat_address_check(actor=None, address=address)
    inside = sum(1 for age in ages if age < RULE.window_days)
    assert (alert is not None) == (inside >= RULE.threshold)


def test_the_agenda_source_proposes_open_alerts(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory()
    for _ in range(3):
        report(personas.partner, address)
    # An alert names a place, no case or person: a panel drawing on no cases still sees it.
    none = AgendaScope(case_ids=Case.objects.none().values("pk"), person_ids=[])
    (candidate,) = candidates_for(
        "repeat_addresses", as_of=timezone.localdate(), params={}, scope=none
    )
    assert candidate.address_id == address.pk and candidate.key == f"address:{address.pk}"
    assert "3 reports within 90 days" in candidate.reason
    before = candidates_for(
        "repeat_addresses", as_of=timezone.localdate() - timedelta(days=1), params={}, scope=none
    )
    assert before == []
    with pytest.raises(ValueError):
        candidates_for(
            "repeat_addresses",
            as_of=timezone.localdate(),
            params={"raised_within_days": 0},
            scope=none,
        )


def test_the_queue_page_and_decision_page(personas, client_for):  # type: ignore[no-untyped-def]
    address = AddressFactory(line1="9 Repeat Row")
    for _ in range(3):
        report(personas.partner, address)
    alert = RepeatAddressAlert.objects.get()
    queue = client_for("partner").get(reverse("places:repeat_alerts")).content.decode()
    assert "9 Repeat Row" in queue
    page = client_for("owner").get(reverse("places:repeat_alert", args=[alert.pk]))
    text = page.content.decode()
    assert "Incident from Northbrook Police" in text  # the property's timeline
    assert "Seen" in text  # the leads read the reports' content
    bad = client_for("owner").post(
        reverse("places:repeat_alert", args=[alert.pk]), {"decision": "no_action"}
    )
    assert "Give the reason for taking no action" in bad.content.decode()
    good = client_for("owner").post(
        reverse("places:repeat_alert", args=[alert.pk]), {"decision": "closure_considered"}
    )
    assert good.status_code == 302
    alert.refresh_from_db()
    assert alert.decision == "closure_considered"


def test_the_api_lists_open_alerts_for_the_leads(personas):  # type: ignore[no-untyped-def]
    address = AddressFactory(uprn="770000000077")
    for _ in range(3):
        report(personas.partner, address)
    token = api_token_create(actor=None, user=personas.partner)[1]
    body = (
        Client()
        .get("/api/v1/addresses/repeat-alerts/", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert [(a["uprn"], a["report_count"], a["threshold"]) for a in body["results"]] == [
        ("770000000077", 3, 3)
    ]
    outsider = api_token_create(actor=None, user=personas.outsider)[1]
    assert (
        Client()
        .get("/api/v1/addresses/repeat-alerts/", HTTP_AUTHORIZATION=f"Bearer {outsider}")
        .status_code
        == 403
    )


@pytest.mark.parametrize("count", [2, 20])
def test_queue_queries_do_not_grow(personas, client_for, django_assert_max_num_queries, count):  # type: ignore[no-untyped-def]
    for _ in range(count):
        RepeatAddressAlert.objects.create(
            address=AddressFactory(), report_count=3, window_days=90, threshold=3
        )
    client = client_for("partner")
    client.get(reverse("places:repeat_alerts"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("places:repeat_alerts"))
    assert len(response.context["alerts"]) == count


def test_a_typed_address_nobody_shares_is_404_on_the_report_page(personas, client_for):  # type: ignore[no-untyped-def]
    from nestguard.places.models import Address

    typed = Address.objects.create(line1="Top flat above the chip shop", in_register=False)
    url = reverse("places:report_add", args=[typed.pk])
    assert client_for("partner").get(url).status_code == 404
    assert (
        client_for("partner")
        .get(reverse("places:report_add", args=[AddressFactory().pk]))
        .status_code
        == 200
    )
