"""The audit trail is append-only in the database, hash-chained, and verifiable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from nestguard.audit.models import AuditEvent
from nestguard.audit.services import GENESIS_HASH, audit_record
from nestguard.audit.verify import verify_chain
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_events(count: int) -> list[AuditEvent]:
    user = UserFactory(username="writer")
    return [
        audit_record(
            actor=user,
            action="user.create",
            object_type="user",
            object_id=str(n),
            details={"n": n, "text": "<script>alert(1)</script>"},
        )
        for n in range(count)
    ]


def drop_triggers() -> None:
    """What a person with direct database access would do before editing history."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; flush their checks so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_events_are_chained_from_genesis() -> None:
    first, second, third = make_events(3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    report = verify_chain()
    assert report.intact and report.checked == 3


def test_unregistered_actions_cannot_be_recorded() -> None:
    with pytest.raises(KeyError):
        audit_record(actor=None, action="made.up")
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'auth.sign_in'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_update_and_delete(statement: str) -> None:
    make_events(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2


def test_the_orm_cannot_edit_or_delete_an_event_either() -> None:
    (event,) = make_events(1)
    event.purpose = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_verify_names_the_first_edited_event() -> None:
    events = make_events(5)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'nothing to see' WHERE id = %s", [events[2].id]
        )
    report = verify_chain()
    assert report.first_broken_id == events[2].id
    assert "contents" in report.reason
    with pytest.raises(CommandError, match=f"broken at event {events[2].id}"):
        call_command("audit_verify", stdout=StringIO())


def test_verify_notices_a_deleted_event() -> None:
    events = make_events(4)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    assert verify_chain().first_broken_id == events[2].id


def test_verify_notices_a_rehashed_event_that_breaks_the_link() -> None:
    from nestguard.audit.services import event_hash, hashed_fields

    events = make_events(3)
    drop_triggers()
    forged = AuditEvent.objects.get(id=events[1].id)
    forged.purpose = "forged"
    new_hash = event_hash(forged.prev_hash, hashed_fields(forged))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'forged', hash = %s WHERE id = %s",
            [new_hash, events[1].id],
        )
    assert verify_chain().first_broken_id == events[2].id


def test_audit_verify_command_exits_zero_on_an_intact_chain() -> None:
    make_events(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 3 events" in out.getvalue()


def test_event_records_who_and_which_agency() -> None:
    agency = AgencyFactory(name="Northbrook Police", type="police")
    user = UserFactory(username="pc", agency=agency)
    event = audit_record(actor=user, action="auth.sign_in", obj=user, purpose="testing")
    assert (event.actor_label, event.agency_label, event.object_type) == (
        "pc",
        "Northbrook Police",
        "user",
    )


@settings(max_examples=25, deadline=None)
@given(
    details=st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none()),
        max_size=4,
    ),
    purpose=st.text(max_size=80),
)
def test_any_recorded_event_verifies(details: dict, purpose: str) -> None:
    audit_record(actor=None, action="demo.seed", details=details, purpose=purpose)
    assert verify_chain().intact
