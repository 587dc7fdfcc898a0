"""The keyed chain and its anchors: someone with the database but not the key or the anchors
cannot cut the end off the trail or rebuild it without `audit_verify` saying so."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.anchors import anchor_write, anchors_read
from nestguard.audit.checks import chain_anchor_record, chain_check_record
from nestguard.audit.models import AuditEvent, ChainCheck, HashScheme
from nestguard.audit.services import (
    GENESIS_HASH,
    audit_record,
    event_hash,
    expected_hash,
    hashed_fields,
)
from nestguard.audit.tests.test_audit_trail import drop_triggers, make_events
from nestguard.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def legacy_event(n: int) -> AuditEvent:
    """An event as written before the chain was keyed: plain SHA-256, no agreement."""
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_label="system",
        action="demo.seed",
        object_id=str(n),
        details={"n": n},
        hash_scheme=HashScheme.SHA256,
        prev_hash=last or GENESIS_HASH,
    )
    event.hash = expected_hash(event)
    event.save(force_insert=True)
    return event


def rewrite_chain(*, scheme: str, key: bytes | None = None, purpose: str | None = None) -> None:
    """What an attacker with the database does: drop the triggers, edit, and rebuild every
    hash from the first event so that each link holds again."""
    drop_triggers()
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id"):
        event.hash_scheme = scheme
        event.purpose = purpose if purpose is not None else event.purpose
        new_hash = event_hash(prev, hashed_fields(event), scheme=scheme, key=key)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET hash_scheme = %s, purpose = %s, prev_hash = %s, "
                "hash = %s WHERE id = %s",
                [scheme, event.purpose, prev, new_hash, event.id],
            )
        prev = new_hash


def verify_command() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_new_events_are_keyed_and_another_key_does_not_verify_them() -> None:
    events = make_events(3)
    assert {e.hash_scheme for e in events} == {HashScheme.HMAC_SHA256_PAYLOAD_DIGEST}
    unkeyed = event_hash(events[0].prev_hash, hashed_fields(events[0]), scheme=HashScheme.SHA256)
    assert events[0].hash != unkeyed
    assert verify_chain().intact
    with override_settings(NESTGUARD_AUDIT_KEY="another key entirely, not the chain's"):
        report = verify_chain()
    assert report.first_broken_id == events[0].id
    assert "contents" in report.reason


def test_a_mixed_chain_verifies_and_tampering_in_either_part_is_detected() -> None:
    legacy = [legacy_event(n) for n in range(3)]
    keyed = make_events(3)
    assert keyed[0].prev_hash == legacy[-1].hash
    report = verify_chain()
    assert report.intact and report.checked == 6

    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [legacy[1].id])
    assert verify_chain().first_broken_id == legacy[1].id
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["1", legacy[1].id]
        )
        cursor.execute(
            "UPDATE audit_auditevent SET purpose = 'edited' WHERE id = %s", [keyed[2].id]
        )
    assert verify_chain().first_broken_id == keyed[2].id


def test_an_unkeyed_event_after_a_keyed_one_is_refused() -> None:
    make_events(2)
    late = legacy_event(99)
    report = verify_chain()
    assert report.first_broken_id == late.id
    assert "without the key" in report.reason


def test_a_keyed_event_cannot_be_downgraded_to_the_unkeyed_rule() -> None:
    """Relabelling keyed events as legacy and rehashing them with plain SHA-256 is caught by
    the first anchor's note of where keying began, even without comparing hashes."""
    make_events(3)
    chain_anchor_record()
    rewrite_chain(scheme=HashScheme.SHA256, purpose="rewritten")
    report = verify_chain(anchors=anchors_read())
    assert not report.intact
    assert report.first_broken_id == AuditEvent.objects.order_by("id").first().id  # type: ignore[union-attr]


def test_anchor_detects_deleted_trailing_events(anchor_dir: Path) -> None:
    events = make_events(5)
    anchor = chain_anchor_record()
    assert anchor is not None and anchor.event_id == events[-1].id
    assert "1 anchors compared" in verify_command()

    drop_triggers()  # as an attacker with database access would
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [events[3].id])
    # Without the anchor, the shorter chain is perfectly consistent.
    assert verify_chain().intact
    report = verify_chain(anchors=anchors_read())
    assert report.first_broken_id == events[-1].id
    assert "no longer exists" in report.reason
    with pytest.raises(CommandError, match=f"broken at event {events[-1].id}"):
        verify_command()


def test_anchor_detects_a_chain_rehashed_with_another_key() -> None:
    make_events(4)
    chain_anchor_record()
    rewrite_chain(scheme=HashScheme.HMAC_SHA256, key=b"the attacker's own key", purpose="x")
    report = verify_chain(anchors=anchors_read())
    assert report.first_broken_id == AuditEvent.objects.order_by("id").first().id  # type: ignore[union-attr]
    assert "contents" in report.reason


def test_anchor_detects_a_rebuilt_chain_from_before_the_key() -> None:
    """A chain of legacy events only: the links and plain hashes can be rebuilt by anyone,
    so only the anchor's hash shows that it was."""
    legacy = [legacy_event(n) for n in range(4)]
    anchor_write()
    rewrite_chain(scheme=HashScheme.SHA256, purpose="rebuilt")
    assert verify_chain().intact
    report = verify_chain(anchors=anchors_read())
    assert report.first_broken_id == legacy[-1].id
    assert "differs from its anchor" in report.reason


def test_anchors_are_new_files_never_rewritten(anchor_dir: Path) -> None:
    make_events(2)
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    first = anchor_write(at=at)
    assert first is not None
    path = anchor_dir / first.source
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    with pytest.raises(FileExistsError):
        anchor_write(at=at)
    make_events(1)
    second = anchor_write()
    assert second is not None and second.source != first.source
    assert [a.event_id for a in anchors_read()] == [first.event_id, second.event_id]
    assert path.read_text().count("\n") == 1


def test_an_unreadable_anchor_fails_verification(anchor_dir: Path) -> None:
    make_events(1)
    anchor_dir.mkdir(parents=True)
    (anchor_dir / "anchor-000000000000001-x.jsonl").write_text("not json\n")
    with pytest.raises(CommandError, match="cannot be read"):
        verify_command()


def test_the_daily_job_records_pass_and_fail() -> None:
    events = make_events(3)
    chain_anchor_record()
    passed = chain_check_record()
    assert (passed.intact, passed.first_broken_id, passed.anchors_compared) == (True, None, 1)
    assert passed.events_checked == 4  # three events and the anchoring itself
    assert AuditEvent.objects.filter(action="audit.chain_check").count() == 1

    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match=f"broken at event {events[1].id}"):
        call_command("audit_verify", "--record", stdout=StringIO())
    failed = ChainCheck.objects.order_by("-id").first()
    assert failed is not None
    assert (failed.intact, failed.first_broken_id, failed.events_checked) == (
        False,
        events[1].id,
        1,
    )


def test_anchor_command_on_an_empty_chain_writes_nothing(anchor_dir: Path) -> None:
    out = StringIO()
    call_command("audit_anchor", stdout=out)
    assert "nothing to anchor" in out.getvalue()
    assert anchors_read() == []
    audit_record(actor=None, action="demo.seed")
    call_command("audit_anchor", stdout=out)
    assert len(list(anchor_dir.iterdir())) == 1


def test_admins_and_auditors_see_the_latest_checks(client_for) -> None:  # type: ignore[no-untyped-def]
    make_events(2)
    chain_check_record()
    for persona in ("auditor", "admin"):
        response = client_for(persona).get(reverse("audit:checks"))
        assert response.status_code == 200
        assert b"Passed" in response.content and b"Failed" not in response.content
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    audit_record(actor=None, action="demo.seed", purpose="after the deletion")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'edited'")
    chain_check_record()
    response = client_for("auditor").get(reverse("audit:checks"))
    assert b"Failed" in response.content
    assert response.context["latest"].intact is False
    assert client_for("owner").get(reverse("audit:checks")).status_code == 403
