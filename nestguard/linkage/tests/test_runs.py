"""Batch linkage through the engine: auto-links above the upper threshold, queues the
uncertain, adds to the clusters already made, and never undoes a person's decision."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.linkage.models import (
    LinkageModelVersion,
    LinkageRun,
    Merge,
    ReviewPair,
    SourceRecord,
)
from nestguard.linkage.services.merges import merge_undo
from nestguard.linkage.services.records import content_of, source_record_create
from nestguard.linkage.services.review import review_pair_reject
from nestguard.linkage.services.runs import linkage_run_execute, linkage_run_start
from nestguard.linkage.tests.people import seed_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def senders(personas: Personas):  # type: ignore[no-untyped-def]
    return [
        UserFactory(username=f"sender.{key}", agency=agency, roles=["linkage_reviewer"])
        for key, agency in (
            ("hub", personas.hub),
            ("police", personas.police),
            ("school", personas.school),
        )
    ]


def _run(actor=None, **kwargs) -> LinkageRun:  # type: ignore[no-untyped-def]
    run = linkage_run_start(actor=actor, **kwargs)
    return linkage_run_execute(run, actor=actor)


def test_a_run_links_the_same_people_and_keeps_every_record(senders) -> None:  # type: ignore[no-untyped-def]
    groups = seed_records(senders)
    contents = {str(r.pk): content_of(r) for r in SourceRecord.objects.all()}
    run = _run(senders[0], retrain=True)
    assert run.status == LinkageRun.Status.SUCCEEDED, run.error
    assert run.progress == 100 and run.model is not None
    assert LinkageModelVersion.objects.count() == 1
    linked = sum(
        1
        for group in groups
        if len({SourceRecord.objects.get(pk=r.pk).cluster_id for r in group}) == 1
    )
    assert linked >= len(groups) // 2, run.counts
    assert run.counts["links"] == Merge.objects.count() > 0
    # nothing altered or lost
    assert {str(r.pk): content_of(r) for r in SourceRecord.objects.all()} == contents
    assert AuditEvent.objects.filter(action="linkage.run_finish").count() == 1
    # a second run with nothing new links nothing more and queues nothing twice
    pairs = ReviewPair.objects.count()
    again = _run(senders[0])
    assert again.counts["links"] == 0
    assert ReviewPair.objects.count() == pairs
    assert again.model_id == run.model_id  # the stored model is reused
    # ... and, with nothing new since the last run, scores nothing again
    assert again.counts["new_records_scored"] == 0
    assert again.counts["pairs_scored"] == 0 < run.counts["pairs_scored"]
    # a run made under other thresholds is no base to build on: everything is scored again
    LinkageRun.objects.filter(pk=again.pk).update(counts={**again.counts, "upper_threshold": 0.9})
    full = _run(senders[0])
    assert full.counts["new_records_scored"] == full.counts["records"]
    assert full.counts["pairs_scored"] == run.counts["pairs_scored"]


def test_a_rerun_adds_new_records_to_the_clusters_already_made(senders) -> None:  # type: ignore[no-untyped-def]
    groups = seed_records(senders)
    _run(senders[0], retrain=True)
    target = next(
        g for g in groups if len({SourceRecord.objects.get(pk=r.pk).cluster_id for r in g}) == 1
    )
    first = SourceRecord.objects.get(pk=target[0].pk)
    cluster = first.cluster_id
    late, _ = source_record_create(
        actor=senders[1],
        system="Late system",
        values={
            "record_id": "LATE-1",
            **{
                k: getattr(first, k)
                for k in (
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "postcode",
                    "address_line1",
                    "phone",
                )
            },
        },
    )
    rerun = _run(senders[0])
    late.refresh_from_db()
    assert late.cluster_id == cluster
    assert SourceRecord.objects.get(pk=first.pk).cluster_id == cluster
    # only the late record's pairs were scored (the first run scored the rest)
    assert rerun.counts["new_records_scored"] == 1
    assert 0 < rerun.counts["pairs_scored"] < 20


def test_decisions_of_people_are_never_undone_by_a_run(senders) -> None:  # type: ignore[no-untyped-def]
    seed_records(senders)
    _run(senders[0], retrain=True)
    merge = Merge.objects.filter(reason="automatic").first()
    assert merge is not None
    merge_undo(actor=senders[0], merge=merge, reason="Different people")
    for pair in ReviewPair.objects.filter(status="pending"):
        review_pair_reject(actor=senders[0], pair=pair, reason="No")
    _run(senders[0])
    moved = SourceRecord.objects.filter(pk__in=merge.moved).values_list("cluster_id", flat=True)
    kept = SourceRecord.objects.filter(pk__in=merge.kept).values_list("cluster_id", flat=True)
    assert not set(moved) & set(kept)
    assert not ReviewPair.objects.filter(status="pending").exists()


def test_one_run_at_a_time_and_known_engines_only(senders) -> None:  # type: ignore[no-untyped-def]
    linkage_run_start(actor=senders[0])
    with pytest.raises(ValidationError):
        linkage_run_start(actor=senders[0])
    with pytest.raises(ValidationError):
        linkage_run_start(actor=senders[0], engine="excel")


def test_a_failed_run_is_recorded_not_raised(senders) -> None:  # type: ignore[no-untyped-def]
    record = source_record_create(
        actor=senders[0], system="S", values={"record_id": "only", "given_name": "Ann"}
    )
    assert record
    run = _run(senders[0], retrain=True)  # one record cannot train a model
    assert run.status == LinkageRun.Status.FAILED
    assert "training needs at least two records" in run.error


def test_the_link_command(senders) -> None:  # type: ignore[no-untyped-def]
    seed_records(senders, people=8, singles=10)
    out = StringIO()
    call_command("link", "--retrain", stdout=out)
    assert "finished with model" in out.getvalue()
    assert LinkageRun.objects.get().status == LinkageRun.Status.SUCCEEDED


def test_a_lost_run_does_not_block_the_next(senders) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    lost = linkage_run_start(actor=senders[0])
    LinkageRun.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )  # its process never started
    fresh = linkage_run_start(actor=senders[0])
    lost.refresh_from_db()
    assert lost.status == LinkageRun.Status.FAILED and "never started" in lost.error
    assert fresh.status == LinkageRun.Status.QUEUED


def test_a_model_this_engine_cannot_read_is_replaced_not_fatal(senders, personas) -> None:  # type: ignore[no-untyped-def]
    from nestguard.linkage.selectors import candidates_for

    seed_records(senders, people=8, singles=10)
    first = _run(senders[0], retrain=True)
    stored = LinkageModelVersion.objects.get()
    # as after an engine upgrade that changed the model format
    import json

    older = {**json.loads(stored.model_json), "version": "nestguard-person-0-000000000000"}
    LinkageModelVersion.objects.filter(pk=stored.pk).update(model_json=json.dumps(older))
    lookup = candidates_for(personas.referrer, {"given_name": "Jayden", "family_name": "Smith"})
    assert lookup.ready is False  # waits for a readable model instead of failing
    again = _run(senders[0])
    assert again.status == LinkageRun.Status.SUCCEEDED, again.error
    assert again.model_id != first.model_id or again.model.model_json == first.model.model_json


def test_the_link_command_refuses_a_bad_spark_master_before_a_run(  # type: ignore[no-untyped-def]
    senders, monkeypatch
) -> None:
    monkeypatch.setenv("NESTGUARD_SPARK_MASTER", "spark://nowhere")
    with pytest.raises(CommandError, match="NESTGUARD_SPARK_MASTER='spark://nowhere'"):
        call_command("link", "--engine", "spark", stdout=StringIO())
    assert not LinkageRun.objects.exists()
