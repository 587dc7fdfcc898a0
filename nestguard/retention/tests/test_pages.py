"""The retention pages as a data protection officer uses them: the schedule and a rule's
history, placing and lifting a hold, reviewing a batch, the certificate and its ODS; and
what the door answers for what does not exist."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from odf.opendocument import load as load_ods

from conftest import Personas, sign_in
from nestguard.audit.models import AuditEvent
from nestguard.retention.models import (
    BatchStatus,
    DisposalBatch,
    DisposalCertificate,
    LegalHold,
    RetentionRule,
)
from nestguard.retention.services.batches import batches_build
from nestguard.retention.tests.world import World, build

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def world(personas: Personas, clock: Any) -> World:
    return build(personas, clock)


@pytest.fixture
def officer(world: World) -> Client:
    return sign_in(Client(), world.dpo)


def test_the_schedule_and_a_change_with_its_history(officer: Client) -> None:
    page = officer.get(reverse("retention:schedule"))
    assert page.status_code == 200
    assert "Closed case about adults" in page.text and "Local policy" in page.text
    rule = RetentionRule.objects.get(code="closed_case")
    url = reverse("retention:rule_edit", args=[rule.pk])
    form = {
        "period_months": "96",
        "runs_from": "closure",
        "action": "anonymise",
        "source": rule.source,
        "version": "1",
    }
    bad = officer.post(url, {**form, "reason": ""})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.text
    good = officer.post(url, {**form, "reason": "DSA review"})
    assert good.status_code == 302
    history = officer.get(url)
    assert "DSA review" in history.text and "72 → 96" in history.text


def test_placing_and_lifting_a_hold(officer: Client, world: World) -> None:
    url = reverse("retention:holds")
    missing = officer.post(url, {"target_type": "cases.case", "target": "CASE-999999",
                                 "reason": "litigation", "reference": "Claim 1"})  # fmt: skip
    assert missing.status_code == 200 and "No record has this reference" in missing.text
    placed = officer.post(url, {"target_type": "cases.case", "target": world.adult_case.reference,
                                "reason": "litigation", "reference": "Claim 1"})  # fmt: skip
    assert placed.status_code == 302
    hold = LegalHold.objects.get()
    assert "Claim 1" in officer.get(url).text
    lift = reverse("retention:hold_lift", args=[hold.pk])
    assert officer.post(lift, {"reason": ""}).status_code == 200
    assert officer.post(lift, {"reason": "Claim settled"}).status_code == 302
    hold.refresh_from_db()
    assert not hold.active


def test_reviewing_a_batch_to_its_certificate(officer: Client, world: World) -> None:
    batches_build()
    batch = DisposalBatch.objects.get(rule__code="closed_case")
    assert batch.reference in officer.get(reverse("retention:disposals")).text
    url = reverse("retention:batch", args=[batch.pk])
    page = officer.get(url)
    assert page.status_code == 200 and world.adult_case.reference in page.text
    assert "Vellacott" not in page.text  # references, never names
    unconfirmed = officer.post(url, {"decision": "approve"})
    assert unconfirmed.status_code == 200 and "Confirm that you have reviewed" in unconfirmed.text
    assert officer.post(url, {"decision": "approve", "confirm": "on"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISPOSED
    certificate = DisposalCertificate.objects.get(batch=batch)
    shown = officer.get(reverse("retention:certificate", args=[certificate.pk]))
    assert shown.status_code == 200 and certificate.reference in shown.text
    ods = officer.get(reverse("retention:certificate", args=[certificate.pk]) + "?format=ods")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    text = str(load_ods(io.BytesIO(ods.content)).spreadsheet)
    assert "closed_case" in text and "dpo" in text
    assert AuditEvent.objects.filter(action="retention.view", purpose="data_protection").exists()


def test_extending_from_the_page(officer: Client, world: World) -> None:
    batches_build()
    batch = DisposalBatch.objects.get(rule__code="closed_case")
    url = reverse("retention:batch", args=[batch.pk])
    bad = officer.post(url, {"decision": "extend", "extend-reason": "x"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.text
    until = {"extend-until_day": "1", "extend-until_month": "1", "extend-until_year": "2030"}
    ok = officer.post(url, {"decision": "extend", **until, "extend-reason": "Inquest"})
    assert ok.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXTENDED and batch.extend_reason == "Inquest"


@pytest.mark.parametrize(
    "name", ["retention:batch", "retention:certificate", "retention:hold_lift"]
)
def test_what_does_not_exist_answers_404(officer: Client, name: str) -> None:
    assert officer.get(reverse(name, args=[MISSING])).status_code == 404


def test_other_roles_meet_the_gate(world: World) -> None:
    for user in (world.personas.admin, world.personas.auditor, world.personas.supervisor):
        client = sign_in(Client(), user)
        assert client.get(reverse("retention:schedule")).status_code == 403
