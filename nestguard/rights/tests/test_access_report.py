"""The report of who read or changed a person's records: for the DPO and the auditors,
from the audit trail, keyset-paged, exportable, itself audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.rights.tests.conftest import RightsWorld

pytestmark = pytest.mark.django_db


def test_the_report_names_who_read_the_person_when_and_why(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    owner = sign_in(Client(), personas.owner)
    assert owner.get(reverse("people:detail", args=[world.victim.pk])).status_code == 200
    report = reverse("rights:access_report", args=[world.victim.pk])
    for user in (personas.auditor, world.dpo):
        client = sign_in(Client(), user)
        page = client.get(report)
        assert page.status_code == 200
        text = page.content.decode()
        assert "owner" in text and "case_work" in text and "Subjectson" in text
        exported = b"".join(client.get(report + "?format=csv").streaming_content)  # type: ignore[attr-defined]
        assert b"owner" in exported and b"case_work" in exported
    assert AuditEvent.objects.filter(action="access_report.view", actor=personas.auditor,
                                     purpose="audit").exists()  # fmt: skip
    assert AuditEvent.objects.filter(action="access_report.view", actor=world.dpo,
                                     purpose="data_protection").exists()  # fmt: skip
    assert AuditEvent.objects.filter(action="access_report.export").count() == 2
    for name in ("owner", "supervisor", "partner", "admin"):
        assert sign_in(Client(), personas.all()[name]).get(report).status_code == 403


def test_the_report_pages_by_key(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    owner = sign_in(Client(), personas.owner)
    for _ in range(55):
        owner.get(reverse("people:detail", args=[world.victim.pk]))
    auditor = sign_in(Client(), personas.auditor)
    report = reverse("rights:access_report", args=[world.victim.pk])
    first = auditor.get(report)
    cursor = first.context["page"].next_cursor
    assert len(first.context["page"].rows) == 50 and cursor
    second = auditor.get(report, {"after": cursor})
    assert {e.pk for e in first.context["page"].rows}.isdisjoint(
        {e.pk for e in second.context["page"].rows}
    )
