"""Disposal for every record type of the schedule (issue 15 point 2; decision 0111), on
SQLite and PostgreSQL: missing episodes with their return interviews, NRM records, warning
markers, other agencies' source records, intelligence, public reports, housing signals and
the whole audit trail's payloads, each listed past its period, held when a hold reaches it,
anonymised or deleted on approval with a certificate and the audit payloads about it
redacted; the person goes when the last record about them goes; backups expire through the
operations app's rotation, certified."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.audit.verify import verify_chain
from nestguard.cases.services.closing import case_close
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.intelligence.models import IntelligenceReport, ReportSubject
from nestguard.intelligence.services.subjects import SubjectIn
from nestguard.intelligence.tests.conftest import make_intel
from nestguard.linkage.matching import all_engine_records
from nestguard.linkage.models import SourceRecord
from nestguard.linkage.services.records import source_record_create, source_records_sync_people
from nestguard.operations.backup import (
    FORMAT_VERSION,
    Manifest,
    default_backup_name,
    manifest_path,
)
from nestguard.operations.services import backups_rotate
from nestguard.pathways.models import MissingEpisode, NrmReferral, ReturnInterview
from nestguard.pathways.services.missing import (
    missing_episode_record,
    missing_episode_return,
    return_interview_record,
)
from nestguard.pathways.services.nrm import nrm_referral_record, nrm_withdraw
from nestguard.people.models import Person
from nestguard.public import services as public
from nestguard.public.models import PublicReport
from nestguard.retention.models import BatchStatus, DisposalBatch, DisposalCertificate
from nestguard.retention.services import legal_hold_place
from nestguard.retention.services.batches import batch_approve, batches_build
from nestguard.retention.tests.world import years_before
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NAME = "Thistlewood"
PENDING = (BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND)


class Old:
    """Records made ten years ago through the services, about one adult, Ebony Thistlewood."""

    def __init__(self, personas: Personas, clock: Any) -> None:
        now = timezone.now()
        then = years_before(now, 10)
        clock.move_to(then)
        owner = personas.owner
        owner.agency.is_first_responder = True  # as the pathways tests' world
        owner.agency.save(update_fields=["is_first_responder"])
        self.case = make_case(owner)
        self.person = add_person(
            owner, self.case, given_name="Ebony", family_name=NAME,
            date_of_birth=then.date().replace(year=then.year - 30, day=1),
        )  # fmt: skip
        started = then - timedelta(hours=10)
        self.episode = missing_episode_record(
            actor=owner, person=self.person, case=self.case, report_type="missing",
            risk_grade="medium", category="missing_from_home", care_status="not_looked_after",
            started_at=started, circumstances=f"Left with {NAME}'s cousin",
        )  # fmt: skip
        missing_episode_return(
            actor=owner, episode=self.episode, returned_at=then - timedelta(hours=2),
            found_by="police", found_location="Flat 3, 14 Canal Street",
        )  # fmt: skip
        return_interview_record(
            actor=owner, episode=self.episode, outcome="completed",
            offered_at=then - timedelta(hours=1), completed_at=then, interviewer="Jo Ellis",
            where_they_were="A flat in another town", who_with="Two older men",
        )  # fmt: skip
        self.nrm = nrm_referral_record(
            actor=owner, person=self.person, case=self.case, consent="consented",
            referred_on=then.date(), exploitation_types=["cce"], summary=f"{NAME} was made to",
        )  # fmt: skip
        nrm_withdraw(actor=owner, referral=self.nrm, withdrawn_on=then.date(), reason="Moved")
        self.source, _ = source_record_create(
            actor=personas.partner, system="police_niche",
            values={"record_id": "PN-7001", "given_name": "Ebbie", "family_name": NAME,
                    "date_of_birth": "2009-14-02"},
        )  # fmt: skip
        intel = make_intel(personas)
        self.report = intel.submit(
            observed_on=then.date(),
            subjects=[SubjectIn("person", f"Ebony {NAME}"), SubjectIn("phone", "020 7946 0123")],
        )
        self.public = public.public_report_submit(
            actor=None, signs=["visitors"], details=f"{NAME} has visitors all night",
            address_line1="14 Canal Street", address_town="Northbrook", postcode="NB1 2AB",
            seen_on=then.date(), contact_name="A Neighbour", contact_phone="01632 960 111",
        )  # fmt: skip
        public.public_report_triage(
            actor=personas.supervisor, report=self.public, decision="reject", reason="Known"
        )
        case_close(
            actor=owner, case=self.case, outcomes=["target_hardening_wraparound"],
            resolution="positively_resolved", summary="Closed", cancel_open_interventions=True,
        )  # fmt: skip
        source_records_sync_people(actor=None)
        clock.move_to(now + timedelta(seconds=1))
        self.dpo = UserFactory(
            username="dpo", agency=personas.hub, roles=["data_protection_officer"]
        )


@pytest.fixture
def old(personas: Personas, clock: Any) -> Old:
    return Old(personas, clock)


def approve_all(dpo: Any) -> list[DisposalCertificate]:
    second = UserFactory(username="dpo2", agency=dpo.agency, roles=["data_protection_officer"])
    done = []
    for batch in DisposalBatch.objects.filter(status__in=PENDING).order_by("created_at"):
        batch = batch_approve(actor=dpo, batch=batch)
        if batch.status == BatchStatus.AWAITING_SECOND:
            batch = batch_approve(actor=second, batch=batch)
        done.append(batch.certificate)
    return done


def rules_listed() -> set[str]:
    return set(
        DisposalBatch.objects.filter(status__in=PENDING).values_list("rule__code", flat=True)
    )


def test_every_record_type_is_listed_disposed_certified_and_the_person_goes_last(
    old: Old,
) -> None:
    batches_build()
    assert {
        "closed_case", "missing_episode", "nrm_record", "source_records", "intelligence",
        "public_report", "audit_events",
    } <= rules_listed()  # fmt: skip
    certificates = approve_all(old.dpo)
    by_rule = {c.rule_code: c for c in certificates}
    assert by_rule["missing_episode"].counts["missingepisode"] == 1
    assert by_rule["nrm_record"].counts["nrmreferral"] == 1
    assert by_rule["intelligence"].counts["intelligencereport"] == 1
    assert by_rule["public_report"].counts["publicreport"] == 1
    # People's identifying fields and free text are gone; the rows, codes and dates stay.
    episode = MissingEpisode.objects.get(pk=old.episode.pk)
    assert episode.circumstances == "" and episode.found_location == ""
    assert episode.report_type == "missing" and episode.returned_at is not None
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.who_with == "" and interview.outcome == "completed"
    nrm = NrmReferral.objects.get(pk=old.nrm.pk)
    assert nrm.summary == "" and nrm.stage == "withdrawn"
    report = IntelligenceReport.objects.get(pk=old.report.pk)
    assert report.what == "" and report.how_known_detail == ""
    assert not ReportSubject.objects.filter(report=report).exclude(label="").exists()
    reported = PublicReport.objects.get(pk=old.public.pk)
    assert (reported.contact_name, reported.contact_phone, reported.details) == ("", "", "")
    assert reported.signs == ["visitors"]
    # The person went with the last record about them: not in the person table, the
    # person index, nor a linkage run's files.
    person = Person.objects.get(pk=old.person.pk)
    assert person.family_name == "" and person.identity_unknown
    assert not SourceRecord.objects.filter(family_name=NAME).exists()
    assert not SourceRecord.objects.filter(date_of_birth_given="2009-14-02").exists()
    assert not any(r.family_name == NAME for r in all_engine_records())
    # The audit trail no longer says what the disposed records said, and still verifies.
    for kind, key in (("missingepisode", episode.pk), ("nrmreferral", nrm.pk)):
        for event in AuditEvent.objects.filter(object_type=kind, object_id=str(key)):
            assert event.redacted_at is not None and NAME not in str(event.details)
    assert verify_chain().intact
    # Listing again finds nothing new: each record is disposed of once.
    batches_build()
    assert not rules_listed() - {"audit_events", "audit_search_terms", "linkage_lookups"}


def test_a_hold_on_the_person_keeps_every_record_about_them(old: Old) -> None:
    legal_hold_place(actor=old.dpo, target=old.person, reason="litigation", reference="CLAIM-1")
    batches_build()
    listed = rules_listed()
    assert "missing_episode" not in listed and "nrm_record" not in listed
    approve_all(old.dpo)
    assert MissingEpisode.objects.get(pk=old.episode.pk).circumstances != ""
    assert Person.objects.get(pk=old.person.pk).family_name == NAME


def test_a_hold_placed_while_the_batch_waits_keeps_the_record(old: Old) -> None:
    batches_build()
    legal_hold_place(actor=old.dpo, target=old.nrm, reason="litigation", reference="CLAIM-2")
    certificates = {c.rule_code: c for c in approve_all(old.dpo)}
    assert certificates["nrm_record"].counts["kept_under_legal_hold"] == 1
    assert NrmReferral.objects.get(pk=old.nrm.pk).summary != ""
    # The held NRM record names the person: they are kept.
    assert Person.objects.get(pk=old.person.pk).family_name == NAME


def _backup_file(folder: Path, made: Any) -> Path:
    """A complete backup as the operations app leaves one: the file and its manifest (the
    rotation reads only these; making a real one needs a database outside the test's)."""
    name = default_backup_name("sqlite", made)
    path = folder / name
    path.write_bytes(b"backup")
    manifest = Manifest(FORMAT_VERSION, "sqlite", made.isoformat(), name, 6, "0" * 64, {})
    manifest_path(path).write_text(manifest.to_json())
    return path


def test_backups_past_their_period_are_deleted_by_the_rotation_and_certified(
    personas: Personas, tmp_path: Path, settings: Any
) -> None:
    settings.NESTGUARD_BACKUP_DIR = str(tmp_path)
    now = timezone.now()
    old_backup = _backup_file(tmp_path, now - timedelta(days=60))
    older = _backup_file(tmp_path, now - timedelta(days=400))
    new_backup = _backup_file(tmp_path, now - timedelta(days=1))
    assert sorted(backups_rotate()) == sorted([old_backup.name, older.name])
    assert not old_backup.exists() and not manifest_path(older).exists()
    assert new_backup.exists()
    certificate = DisposalCertificate.objects.get(rule_code="backups")
    assert certificate.counts == {"backups": 2} and certificate.carried_out_by is None
    assert set(certificate.batch.items.values_list("record_id", flat=True)) == {
        old_backup.name,
        older.name,
    }
    assert AuditEvent.objects.filter(action="retention.dispose").count() == 1
    # The newest backup stays whatever its age; nothing more to certify.
    new_backup.unlink()
    manifest_path(new_backup).unlink()
    only = _backup_file(tmp_path, now - timedelta(days=900))
    assert backups_rotate() == []
    assert only.exists()
    assert DisposalCertificate.objects.filter(rule_code="backups").count() == 1
