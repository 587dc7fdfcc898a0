"""One person index for all web processes (docs/decisions/0117): the job queue (or
`nestguard build_person_index`) writes it to files once per model and record set; each web
process maps the newest of its model, never builds it, and catches up with what arrived
since in its own memory.

The keeper's thread opens the files through the test's own connection (as in
test_live_index.py), since another connection could not see the test's uncommitted rows.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from conftest import Personas
from nestguard.jobs.models import JobRun, JobStatus
from nestguard.jobs.worker import drain
from nestguard.linkage import live_index, matching, person_index_files
from nestguard.linkage.engine.shared_index import MappedCandidateIndex
from nestguard.linkage.live_index import (
    BUILD_JOB,
    BuiltIndex,
    CandidateIndexKeeper,
    IndexStatus,
    build_for_version,
    open_for_version,
)
from nestguard.linkage.models import LinkageRun, SourceRecord
from nestguard.linkage.selectors import candidates_for
from nestguard.linkage.services.runs import linkage_run_execute, linkage_run_start
from nestguard.linkage.tests.builders import record
from nestguard.linkage.tests.people import link_everything, seed_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WAIT = 60  # seconds: only ever reached if an open is stuck, failing the test
JAYDEN = {"given_name": "Jayden", "family_name": "Smith-Okoro", "date_of_birth": "2010-07-03"}


class SharedOpen:
    """`open_for_version` in the keeper's thread, through the test's connection."""

    def __init__(self) -> None:
        self.connection = connections["default"]

    def __call__(self, version: str) -> BuiltIndex:
        connections["default"] = self.connection
        try:
            return open_for_version(version)
        finally:
            del connections["default"]


@pytest.fixture
def shared(db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "shared"
    settings.NESTGUARD_PERSON_INDEX_DIR = str(tmp_path / "person-index")
    settings.NESTGUARD_PERSON_INDEX_CHECK_SECONDS = 3600
    opener = SharedOpen()
    opener.connection.inc_thread_sharing()
    keeper = CandidateIndexKeeper(build=opener)
    monkeypatch.setattr(live_index, "keeper", keeper)
    yield keeper
    keeper.wait(WAIT)
    opener.connection.dec_thread_sharing()


@pytest.fixture
def known(personas: Personas) -> str:
    senders = [
        UserFactory(username=f"sender.{key}", agency=agency, roles=["linkage_reviewer"])
        for key, agency in (("hub", personas.hub), ("police", personas.police))
    ]
    seed_records(senders, people=8, singles=10)
    record(senders[1], "POL-77", system="Niche RMS", contact_name="DC Amy Lord", **JAYDEN)
    link_everything()
    live_index.forget_index()
    version = matching.latest_model_label()
    assert version is not None
    return version


def ready(keeper: CandidateIndexKeeper, version: str) -> live_index.IndexAnswer:
    """Ask, let the keeper's thread open what it started, and ask again."""
    keeper.get(version, background=True)
    assert keeper.wait(WAIT)
    return keeper.get(version, background=True)


def test_without_a_written_index_a_lookup_says_starting_and_queues_the_job(
    personas: Personas, known: str, shared: CandidateIndexKeeper, settings: Any
) -> None:
    lookup = candidates_for(personas.referrer, JAYDEN)
    assert lookup.status == IndexStatus.STARTING and not lookup.ready
    assert shared.wait(WAIT)
    again = candidates_for(personas.referrer, JAYDEN)
    assert again.status == IndexStatus.STARTING  # still none: no process builds it itself
    queued = JobRun.objects.filter(name=BUILD_JOB)
    assert queued.count() == 1 and queued.get().status == JobStatus.QUEUED

    assert drain() == 1  # the worker writes it
    assert queued.get().status == JobStatus.SUCCEEDED
    assert person_index_files.newest_file(known) is not None
    settings.NESTGUARD_PERSON_INDEX_CHECK_SECONDS = 0  # the process looks again
    answer = ready(shared, known)
    assert answer.status == IndexStatus.READY
    assert isinstance(answer.index, MappedCandidateIndex)
    after = candidates_for(personas.referrer, JAYDEN)
    assert after.ready and after.known


def test_mapped_scores_equal_the_index_built_in_memory(
    personas: Personas, known: str, shared: CandidateIndexKeeper
) -> None:
    person_index_files.build_index_file()
    mapped = open_for_version(known).index
    memory = build_for_version(known).index
    assert isinstance(mapped, MappedCandidateIndex) and len(mapped) == len(memory)
    for values in (
        JAYDEN,
        {"given_name": "Jay", "family_name": "Smith", "date_of_birth": "2010-03-07"},
        {"given_name": "Jayden", "family_name": "Okoro"},
    ):
        query = matching.query_record(values)
        assert mapped.lookup(query, limit=50) == memory.lookup(query, limit=50)


def test_records_that_arrive_after_the_file_are_caught_up_then_a_newer_file_is_mapped(
    personas: Personas, known: str, shared: CandidateIndexKeeper, settings: Any
) -> None:
    first = person_index_files.build_index_file().file
    answer = ready(shared, known)
    assert answer.index is not None and answer.index.path == first.path  # type: ignore[attr-defined]
    sender = UserFactory(username="sender.late", agency=personas.police, roles=["referrer"])
    record(
        sender, "POL-901", given_name="Zanele", family_name="Mokoena", date_of_birth="1990-01-02"
    )
    query = matching.query_record({"given_name": "Zanele", "family_name": "Mokoena"})
    caught = shared.get(known, background=True)
    assert caught.index is answer.index  # the same mapping, and the new record beside it
    assert caught.index.lookup(query)[0].match_probability >= 0.5
    assert caught.index.added == 1  # type: ignore[attr-defined]

    second = person_index_files.build_index_file().file  # the job, once records have come
    assert second.path != first.path and second.records == first.records + 1
    settings.NESTGUARD_PERSON_INDEX_CHECK_SECONDS = 0
    newer = ready(shared, known)
    assert newer.index is not answer.index
    assert newer.index.path == second.path and newer.index.added == 0  # type: ignore[union-attr]
    assert newer.index.lookup(query)[0].match_probability >= 0.5  # type: ignore[union-attr]


def test_many_records_beside_the_file_queue_a_new_one(
    personas: Personas, known: str, shared: CandidateIndexKeeper, settings: Any
) -> None:
    person_index_files.build_index_file()
    ready(shared, known)
    settings.NESTGUARD_PERSON_INDEX_REBUILD_AFTER = 0
    settings.NESTGUARD_PERSON_INDEX_CHECK_SECONDS = 0
    sender = UserFactory(username="sender.late", agency=personas.police, roles=["referrer"])
    record(sender, "POL-902", given_name="Thandiwe", family_name="Abara")
    shared.get(known, background=True)
    assert JobRun.objects.filter(name=BUILD_JOB, status=JobStatus.QUEUED).count() == 1


def test_the_command_writes_once_per_model_and_record_set_and_keeps_two(
    known: str, shared: CandidateIndexKeeper, personas: Personas
) -> None:
    out = StringIO()
    call_command("build_person_index", stdout=out)
    assert (
        f"Person index for model {known}:" in out.getvalue() and "records written" in out.getvalue()
    )
    out = StringIO()
    call_command("build_person_index", stdout=out)
    assert "is already written" in out.getvalue()
    for _ in range(3):
        call_command("build_person_index", "--force", stdout=StringIO())
    assert len(person_index_files.index_files()) == person_index_files.KEEP


def test_the_command_without_a_model(db: None, shared: CandidateIndexKeeper) -> None:
    out = StringIO()
    call_command("build_person_index", stdout=out)
    assert "No linkage model yet" in out.getvalue()
    assert person_index_files.index_files() == []


def test_a_finished_linkage_run_queues_the_index_for_its_model(
    personas: Personas, known: str, shared: CandidateIndexKeeper, settings: Any
) -> None:
    settings.NESTGUARD_LINKAGE_RUNNER = "none"
    run = linkage_run_start(actor=personas.admin)
    done = linkage_run_execute(run, actor=personas.admin)
    assert done.status == LinkageRun.Status.SUCCEEDED
    assert JobRun.objects.filter(name=BUILD_JOB, status=JobStatus.QUEUED).count() == 1


def test_a_disposal_deletes_the_written_index_and_the_next_build_leaves_the_names_out(
    known: str, shared: CandidateIndexKeeper
) -> None:
    """A disposal rewrites records in place under their ids; the index written before it
    still holds what they said, so it is deleted, the build is queued, and the build does not
    mistake the rewritten records for the ones it wrote."""
    from nestguard.retention.record_types import SOURCE_RECORD_FIELDS

    first = person_index_files.build_index_file()
    assert first.built
    jayden = SourceRecord.objects.get(record_id="POL-77")
    SourceRecord.objects.filter(pk=jayden.pk).update(
        **SOURCE_RECORD_FIELDS, fingerprint="disposed"
    )  # as the disposal rewrites it
    live_index.discard_index_after_disposal()
    assert person_index_files.index_files() == []
    assert JobRun.objects.filter(name=BUILD_JOB, status=JobStatus.QUEUED).exists()
    second = person_index_files.build_index_file()
    assert second.built
    assert second.file.fingerprint != first.file.fingerprint
