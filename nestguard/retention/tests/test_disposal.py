"""Disposal that is reviewed and proved (issue 15, point 2), on SQLite and PostgreSQL: the
nightly listing, holds, approval (twice for children), anonymisation, the certificate, the
audit trail redacted with its chain still verifying, and reports adding up as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.audit.verify import verify_chain
from nestguard.jobs.registry import get as get_job
from nestguard.linkage.matching import all_engine_records
from nestguard.linkage.models import SourceRecord
from nestguard.linkage.services.records import source_records_sync_people
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.reporting.exports import to_csv
from nestguard.reporting.period import Asked
from nestguard.reporting.registry import report_spec
from nestguard.retention.models import BatchStatus, DisposalBatch, DisposalCertificate
from nestguard.retention.services import legal_hold_lift, legal_hold_place
from nestguard.retention.services.batches import batch_approve, batch_extend, batches_build
from nestguard.retention.tests.world import World, build
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMES = ("Quintrell", "Vellacott", "Pennington", "Ollerenshaw")


@pytest.fixture
def world(personas: Personas, clock: Any) -> World:
    return build(personas, clock)


def batch_for(rule: str) -> DisposalBatch:
    return DisposalBatch.objects.get(rule__code=rule, status__in=list(PENDING))


PENDING = (BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND)


def names_anywhere() -> set[str]:
    """Every place a disposed name could still be read: people, referral subjects, source
    records (the person index), and the records a linkage run reads (its files)."""
    found = set()
    for name in NAMES:
        if (
            Person.objects.filter(family_name=name).exists()
            or ReferralSubject.objects.filter(family_name=name).exists()
            or SourceRecord.objects.filter(family_name=name).exists()
            or any(r.family_name == name for r in all_engine_records())
        ):
            found.add(name)
    return found


def partnership_csv(world: World) -> str:
    analyst = UserFactory(username="analyst", agency=world.personas.hub, roles=["analyst"])
    spec = report_spec("partnership")
    start = (world.now - timedelta(days=365 * 11)).date()
    return to_csv(spec.build(Asked(start, world.now.date()).request(analyst)))


def test_the_nightly_job_lists_what_is_past_its_period_and_nothing_else(world: World) -> None:
    result = get_job("retention.list_disposals").func(_Progress())
    assert "Listed for review" in result
    referrals = batch_for("referral_not_accepted")
    assert [i.record_reference for i in referrals.items.all()] == [world.declined.reference]
    adults = batch_for("closed_case")
    assert [i.record_reference for i in adults.items.all()] == [world.adult_case.reference]
    children = batch_for("case_about_child")
    # Dara is 20: a case about a child waits for the 25th birthday.
    assert [i.record_reference for i in children.items.all()] == [world.child_case.reference]
    assert children.about_children and children.needs_second_approval
    # Idempotent: the same records are not listed twice.
    assert batches_build() == []
    # Nothing is disposed of by listing.
    assert names_anywhere() == set(NAMES)


class _Progress:
    def update(self, **kwargs: Any) -> None:
        pass


def test_approval_anonymises_keeps_the_counts_and_redacts_the_audit_payloads(
    world: World,
) -> None:
    source_records_sync_people(actor=None)
    assert SourceRecord.objects.filter(family_name="Vellacott").exists()
    before = partnership_csv(world)
    batches_build()
    person = world.person_of(world.adult_case)
    about_person = AuditEvent.objects.filter(object_type="person", object_id=str(person.pk))
    about_case = AuditEvent.objects.filter(object_type="case", object_id=str(world.adult_case.pk))
    assert about_case.exists()

    batch_approve(actor=world.dpo, batch=batch_for("closed_case"))
    batch_approve(actor=world.dpo, batch=batch_for("referral_not_accepted"))

    assert names_anywhere() == {"Pennington", "Ollerenshaw"}
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.date_of_birth) == ("", "", None)
    assert person.identity_unknown and person.age_estimate is not None
    world.adult_case.refresh_from_db()
    assert world.adult_case.closing_summary == "" and world.adult_case.summary == ""
    assert not world.adult_case.chronology.exclude(text="").exists()
    declined = Referral.objects.get(pk=world.declined.pk)
    assert declined.decision_reason == "" and declined.address_line1 == ""
    assert declined.status == world.declined.status  # its codes and dates stay
    # Reports add up exactly as before.
    assert partnership_csv(world) == before
    # The audit trail keeps that the records were there, not what they said.
    for event in [*about_case, *about_person]:
        assert event.redacted_at is not None and event.object_label == ""
        assert "Vellacott" not in str(event.details) and "redacted" in event.details
    assert not AuditEvent.objects.filter(object_label__contains="Vellacott").exists()
    assert verify_chain().intact
    certificate = DisposalCertificate.objects.get(batch__rule__code="closed_case")
    assert certificate.counts["case"] == 1 and certificate.counts["person"] == 1
    assert certificate.counts["audit_events_redacted"] >= about_case.count()
    assert certificate.approved_by_label == "dpo"
    assert AuditEvent.objects.filter(action="retention.dispose").count() == 2


def test_a_batch_about_children_needs_a_second_different_officer(world: World) -> None:
    batches_build()
    batch = batch_for("case_about_child")
    batch_approve(actor=world.dpo, batch=batch)
    assert names_anywhere() >= {"Pennington"}
    with pytest.raises(ValidationError, match="second, different"):
        batch_approve(actor=world.dpo, batch=batch)
    batch_approve(actor=world.second_dpo, batch=batch)
    assert "Pennington" not in names_anywhere()
    certificate = DisposalCertificate.objects.get(batch=batch)
    assert (certificate.approved_by_label, certificate.second_approved_by_label) == (
        "dpo",
        "dpo2",
    )


def test_the_setting_can_ask_for_one_approver(world: World, settings: Any) -> None:
    settings.NESTGUARD_RETENTION_CHILD_SECOND_APPROVER = False
    batches_build()
    batch = batch_for("case_about_child")
    assert batch.about_children and not batch.needs_second_approval
    batch_approve(actor=world.dpo, batch=batch)
    assert "Pennington" not in names_anywhere()


def test_a_hold_on_a_person_holds_their_case_until_lifted(world: World) -> None:
    person = world.person_of(world.adult_case)
    hold = legal_hold_place(
        actor=world.dpo, target=person, reason="subject_access", reference="SAR-0042"
    )
    batches_build()
    assert not DisposalBatch.objects.filter(rule__code="closed_case").exists()
    legal_hold_lift(actor=world.dpo, hold=hold, reason="Request answered on time")
    batches_build()
    assert batch_for("closed_case").items.get().record_id == str(world.adult_case.pk)


def test_a_hold_placed_after_listing_keeps_the_records_at_approval(world: World) -> None:
    batches_build()
    legal_hold_place(
        actor=world.dpo, target=world.adult_case, reason="litigation", reference="Claim 7/26"
    )
    batch_approve(actor=world.dpo, batch=batch_for("closed_case"))
    assert "Vellacott" in names_anywhere()
    certificate = DisposalCertificate.objects.get(batch__rule__code="closed_case")
    assert certificate.counts["kept_under_legal_hold"] == 1


def test_extending_keeps_the_records_and_lists_them_again_after_the_day(
    world: World, clock: Any
) -> None:
    batches_build()
    batch = batch_for("closed_case")
    until = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as bad:
        batch_extend(actor=world.dpo, batch=batch, until=until, reason=" ")
    assert "reason" in bad.value.message_dict
    batch_extend(actor=world.dpo, batch=batch, until=until, reason="Inquest pending")
    batches_build()
    assert not DisposalBatch.objects.filter(rule__code="closed_case", status__in=PENDING).exists()
    clock.move_to(timezone.now() + timedelta(days=31))
    batches_build()
    assert batch_for("closed_case").item_count == 1


def test_search_terms_are_redacted_after_their_period_and_the_chain_verifies(
    world: World, clock: Any
) -> None:
    now = timezone.now()
    clock.move_to(now - timedelta(days=400))
    old = audit_record(
        actor=world.personas.owner,
        action="report.read",
        details={"terms": {"postcode": "NB1 2AB"}, "found": 0},
    )
    clock.move_to(now)
    recent = audit_record(
        actor=world.personas.owner,
        action="report.read",
        details={"terms": {"postcode": "NB7 7ZZ"}, "found": 0},
    )
    batches_build()
    batch_approve(actor=world.dpo, batch=batch_for("audit_search_terms"))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.redacted_at is not None and "NB1 2AB" not in str(old.details)
    assert recent.redacted_at is None and recent.details["terms"] == {"postcode": "NB7 7ZZ"}
    assert verify_chain().intact


def test_only_data_protection_officers_review(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    batches_build()
    with pytest.raises(PermissionDenied):
        batch_approve(actor=world.personas.owner, batch=batch_for("closed_case"))
    with pytest.raises(PermissionDenied):
        legal_hold_place(
            actor=world.personas.auditor,
            target=world.adult_case,
            reason="litigation",
            reference="x",
        )


def test_a_disposed_person_is_no_longer_known_to_the_person_index(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from nestguard.linkage.selectors import candidates_for
    from nestguard.linkage.tests.people import link_everything

    source_records_sync_people(actor=None)
    link_everything()
    typed = {"given_name": "Bertha", "family_name": "Vellacott", "date_of_birth": "1975-06-01"}
    assert candidates_for(world.personas.owner, typed).known
    batches_build()
    with django_capture_on_commit_callbacks(execute=True):
        batch_approve(actor=world.dpo, batch=batch_for("closed_case"))
    assert not candidates_for(world.personas.owner, typed).known
