"""Links between source records: no source record is ever lost or changed, and undoing
links restores exactly the earlier state (property-based)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.linkage.models import Cluster, Merge, SourceRecord
from nestguard.linkage.services.merges import (
    blocking_merge,
    cluster_merge,
    kept_apart,
    merge_undo,
)
from nestguard.linkage.services.records import content_of
from nestguard.linkage.tests.builders import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RECORDS = 6


def _state() -> dict[str, frozenset[str]]:
    """Which records each non-empty cluster holds."""
    state: dict[str, set[str]] = {}
    for pk, cluster in SourceRecord.objects.values_list("pk", "cluster_id"):
        state.setdefault(str(cluster), set()).add(str(pk))
    return {k: frozenset(v) for k, v in state.items()}


def _contents() -> dict[str, dict[str, str]]:
    return {str(r.pk): content_of(r) for r in SourceRecord.objects.all()}


@pytest.fixture
def reviewer(personas: Personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])


@pytest.fixture
def records(reviewer) -> list[SourceRecord]:  # type: ignore[no-untyped-def]
    return [
        record(reviewer, f"R{i}", given_name=f"Name{i}", family_name="Smith", date_of_birth="2010")
        for i in range(RECORDS)
    ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.tuples(st.integers(0, RECORDS - 1), st.integers(0, RECORDS - 1)), max_size=8),
    undo_order=st.randoms(use_true_random=False),
)
def test_links_lose_nothing_and_undoing_them_restores_the_exact_earlier_states(
    reviewer, records, steps, undo_order
) -> None:  # type: ignore[no-untyped-def]
    before_all = _state()
    contents = _contents()
    history: list[tuple[Merge, dict[str, frozenset[str]]]] = []
    for a, b in steps:
        left = SourceRecord.objects.get(pk=records[a].pk)
        right = SourceRecord.objects.get(pk=records[b].pk)
        before = _state()
        if left.cluster_id == right.cluster_id:
            with pytest.raises(ValidationError):
                cluster_merge(
                    actor=reviewer, into=left.cluster, from_cluster=right.cluster, reason="review"
                )
            assert _state() == before
            continue
        merge = cluster_merge(
            actor=reviewer, into=left.cluster, from_cluster=right.cluster, reason="review"
        )
        history.append((merge, before))
        # no record lost, none changed, none duplicated
        after = _state()
        assert sorted(r for members in after.values() for r in members) == sorted(contents)
        assert _contents() == contents
        assert (
            after[str(left.cluster_id)]
            == before[str(left.cluster_id)] | before[str(right.cluster_id)]
        )
    # Undoing out of order is refused while a later link carried the records on, and
    # changes nothing when refused.
    for merge, _ in history[:-1]:
        merge.refresh_from_db()
        if blocking_merge(merge) is not None:
            now = _state()
            with pytest.raises(ValidationError):
                merge_undo(actor=reviewer, merge=merge, reason="test")
            assert _state() == now
    # Undoing the last link restores exactly the state before it, all the way back.
    for merge, before in reversed(history):
        merge_undo(actor=reviewer, merge=merge, reason="Different people")
        assert _state() == before
        assert _contents() == contents
    assert _state() == before_all
    assert Merge.objects.filter(undone_at__isnull=True).count() == 0
    # clean up for the next example (hypothesis reuses the fixture's records)
    Merge.objects.all().delete()


def test_an_undone_merge_cannot_be_undone_twice_and_keeps_its_pairs_apart(
    reviewer, records
) -> None:  # type: ignore[no-untyped-def]
    a, b = records[0], records[1]
    merge = cluster_merge(actor=reviewer, into=a.cluster, from_cluster=b.cluster, reason="review")
    assert AuditEvent.objects.filter(action="linkage.merge").count() == 1
    merge_undo(actor=reviewer, merge=merge, reason="Not the same")
    with pytest.raises(ValidationError):
        merge_undo(actor=reviewer, merge=merge, reason="again")
    assert frozenset((str(a.pk), str(b.pk))) in kept_apart()
    event = AuditEvent.objects.get(action="linkage.unmerge")
    assert event.purpose == "Not the same"


def test_undo_checks_its_reason(reviewer, records) -> None:  # type: ignore[no-untyped-def]
    a, b = records[0], records[1]
    merge = cluster_merge(actor=reviewer, into=a.cluster, from_cluster=b.cluster, reason="review")
    with pytest.raises(ValidationError):
        merge_undo(actor=reviewer, merge=merge, reason="x" * 2001)
    with pytest.raises(ValidationError):
        merge_undo(actor=reviewer, merge=merge, reason="bad\x00")
    assert SourceRecord.objects.get(pk=b.pk).cluster_id == a.cluster_id


def test_a_merge_needs_a_known_reason_and_two_clusters(reviewer, records) -> None:  # type: ignore[no-untyped-def]
    a, b = records[0], records[1]
    with pytest.raises(ValidationError):
        cluster_merge(actor=reviewer, into=a.cluster, from_cluster=b.cluster, reason="whim")
    with pytest.raises(ValidationError):
        cluster_merge(actor=reviewer, into=a.cluster, from_cluster=a.cluster, reason="review")
    empty = Cluster.objects.create()
    with pytest.raises(ValidationError):
        cluster_merge(actor=reviewer, into=a.cluster, from_cluster=empty, reason="review")
    assert Merge.objects.count() == 0
