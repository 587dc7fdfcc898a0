"""Auditors ask 'who looked at this person?'; everybody else is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_auditor_filters_looks_at_one_person(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    watched, other = PersonFactory(), PersonFactory()
    audit_record(actor=personas.owner, action="auth.sign_in", obj=personas.owner)
    for person in (watched, other):
        audit_record(actor=personas.partner, action="demo.seed", obj=person, purpose="bulk")
    from nestguard.audit import events

    events.register("test.person_view", "Viewed a person (test)", reads_personal_data=True)
    audit_record(
        actor=personas.owner, action="test.person_view", obj=watched, purpose="Case review"
    )

    response = client_for("auditor").get(
        reverse("audit:search"),
        {"object_type": "person", "object_id": str(watched.pk), "reads_only": "on"},
    )
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [e.actor_label for e in rows] == ["owner"]
    assert b"Case review" in response.content
    assert AuditEvent.objects.filter(action="audit.view", actor=personas.auditor).count() == 1


def test_bad_dates_show_the_error_summary(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("auditor").get(
        reverse("audit:search"),
        {
            "date_from_day": "31",
            "date_from_month": "2",
            "date_from_year": "2026",
            "date_to_day": "1",
            "date_to_month": "1",
            "date_to_year": "2020",
        },
    )
    assert b"There is a problem" in response.content
    assert b"From must be a real date" in response.content


@pytest.mark.parametrize(
    "persona", ["owner", "supervisor", "partner", "outsider", "referrer", "admin"]
)
def test_only_auditors_reach_the_audit_trail(client_for, persona: str) -> None:  # type: ignore[no-untyped-def]
    assert client_for(persona).get(reverse("audit:search")).status_code == 403


def test_audit_search_query_count_does_not_grow(
    personas, client_for, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for("auditor")
    for n in (3, 40):
        for _ in range(n):
            audit_record(actor=personas.owner, action="auth.sign_in", obj=personas.owner)
        with django_assert_max_num_queries(20):
            client.get(reverse("audit:search"))
