"""The one change the audit table permits (decision 0105), refused in every other form by
the database itself, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.audit.redaction import audit_redact
from nestguard.audit.services import audit_record
from nestguard.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def events(n: int = 3) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            action="report.read",
            object_label=f"Jayden Smith-Okoro {k}",
            details={"terms": {"name": "Jayden Smith-Okoro", "postcode": "NB1 2AB"}},
        )
        for k in range(n)
    ]


def sql(statement: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_redacted_payload_is_gone_and_the_chain_still_verifies() -> None:
    _, middle, _ = events()
    done = audit_redact(
        actor=None,
        events=AuditEvent.objects.filter(pk=middle.pk),
        reason="audit_search_terms",
        reference="DB-000001",
    )
    assert (done.redacted, done.not_redactable) == (1, 0)
    middle.refresh_from_db()
    assert middle.object_label == "" and "Jayden" not in str(middle.details)
    assert middle.hash != "" and middle.payload_digest != ""
    report = verify_chain()
    assert report.intact and report.checked == 4  # and the redaction's own event
    assert AuditEvent.objects.filter(action="audit.payloads_redacted").count() == 1


def test_an_edited_payload_that_is_not_a_redaction_breaks_the_chain() -> None:
    _, middle, _ = events()
    with connection.cursor() as cursor:
        # An attacker who dropped the triggers and edited the payload, without redacting.
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
        cursor.execute(
            "UPDATE audit_auditevent SET object_label = 'someone else' WHERE id = %s",
            [middle.pk],
        )
    report = verify_chain()
    assert report.first_broken_id == middle.pk and "digest" in report.reason


@pytest.mark.parametrize(
    "statement",
    [
        # Anything but a redaction: the purpose, the hash, the digest, the time.
        "UPDATE audit_auditevent SET purpose = 'edited', redacted_at = %s WHERE id = %s",
        "UPDATE audit_auditevent SET hash = 'x', redacted_at = %s WHERE id = %s",
        "UPDATE audit_auditevent SET payload_digest = 'x', redacted_at = %s WHERE id = %s",
        "UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s",
        # The payload without marking it redacted.
        "UPDATE audit_auditevent SET object_label = '', details = '{}' WHERE id = %s AND "
        "redacted_at IS NULL AND %s IS NOT NULL",
    ],
)
def test_the_triggers_refuse_every_other_update(statement: str) -> None:
    event = events(1)[0]
    params: list[object] = [timezone.now(), event.pk]
    if statement.count("%s") == 2 and "redacted_at IS NULL AND" in statement:
        params = [event.pk, 1]
    with pytest.raises(DatabaseError, match="append-only"):
        sql(statement, params)


def test_the_triggers_refuse_a_second_redaction_and_any_delete() -> None:
    event = events(1)[0]
    audit_redact(
        actor=None, events=AuditEvent.objects.filter(pk=event.pk), reason="r", reference="x"
    )
    with pytest.raises(DatabaseError, match="append-only"):
        sql(
            "UPDATE audit_auditevent SET details = '{}', redacted_at = %s WHERE id = %s",
            [timezone.now(), event.pk],
        )
    with pytest.raises(DatabaseError, match="append-only"):
        sql("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert verify_chain().intact
