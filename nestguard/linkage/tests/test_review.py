"""The review queue: both records side by side with the evidence, confirm or reject, and a
link undone from the person index entry page. Reviewers see partners' records only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import Personas, sign_in
from nestguard.audit.models import AuditEvent
from nestguard.linkage.engine import ScoredPair
from nestguard.linkage.models import Merge, ReviewPair, SourceRecord
from nestguard.linkage.selectors import review_queue
from nestguard.linkage.services.review import review_pair_confirm, review_pair_reject
from nestguard.linkage.services.runs import apply_scores
from nestguard.linkage.tests.builders import record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(personas: Personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])


@pytest.fixture
def pair(personas: Personas) -> ReviewPair:
    left = record(personas.owner, "H1", given_name="Jayden", family_name="Smith",
                  date_of_birth="2010-07-03", postcode="NB1 2AB")  # fmt: skip
    right = record(personas.partner, "P1", given_name="Jay", family_name="Smith",
                   date_of_birth="2010-03-07", phone="<b>07700</b>")  # fmt: skip
    evidence = {"given_name": "nickname", "date_of_birth": "day_month_swapped"}
    apply_scores(
        None, [ScoredPair(str(left.pk), str(right.pk), 0.8, 2.5, evidence)], upper=0.99, lower=0.5
    )
    return ReviewPair.objects.get()


def test_scores_go_where_the_thresholds_say(personas: Personas) -> None:
    a, b, c, d = (record(personas.owner, f"R{i}", given_name="Ann") for i in range(4))
    counts = apply_scores(
        None,
        [
            ScoredPair(str(a.pk), str(b.pk), 0.995, 9.0, {}),  # linked
            ScoredPair(str(c.pk), str(d.pk), 0.7, 1.0, {}),  # queued
            ScoredPair(str(a.pk), str(c.pk), 0.2, -2.0, {}),  # nothing
        ],
        upper=0.99,
        lower=0.5,
    )
    assert counts == {"links": 1, "queued_for_review": 1}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.cluster_id == b.cluster_id
    assert ReviewPair.objects.get().match_probability == 0.7


def test_the_page_shows_both_records_and_the_evidence_and_is_audited(reviewer, pair) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), reviewer)
    body = client.get(f"/person-index/review/{pair.pk}/").content.decode()
    for text in ("Jayden", "Jay", "2010-07-03", "2010-03-07", "Northbrook Police", "P1",
                 "nickname", "day month swapped"):  # fmt: skip
        assert text in body, text
    assert "&lt;b&gt;07700&lt;/b&gt;" in body  # markup shown as text
    assert AuditEvent.objects.filter(action="linkage.review_view").count() == 1


def test_confirming_links_and_rejecting_keeps_apart(reviewer, pair) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), reviewer)
    response = client.post(f"/person-index/review/{pair.pk}/", {"decision": "confirm"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == "confirmed" and pair.merge is not None
    left, right = (
        SourceRecord.objects.get(pk=pair.left_id),
        SourceRecord.objects.get(pk=pair.right_id),
    )
    assert left.cluster_id == right.cluster_id
    with pytest.raises(ValidationError):
        review_pair_reject(actor=reviewer, pair=pair)
    # undo from the entry page restores the two people and marks the decision rejected
    page = client.get(f"/person-index/people/{left.cluster_id}/").content.decode()
    assert "Undo this link" in page
    undo = client.post(f"/person-index/links/{pair.merge_id}/undo/", {"reason": "Twins"})
    assert undo.status_code == 302
    assert SourceRecord.objects.get(pk=pair.right_id).cluster_id != left.cluster_id
    pair.refresh_from_db()
    assert pair.status == "rejected"
    assert Merge.objects.get().undone_by == reviewer


def test_a_decision_needs_an_answer_and_a_sane_reason(reviewer, pair) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), reviewer)
    body = client.post(f"/person-index/review/{pair.pk}/", {}).content.decode()
    assert "Select whether these records are the same person" in body
    assert "govuk-error-summary" in body
    with pytest.raises(ValidationError):
        review_pair_confirm(actor=reviewer, pair=pair, reason="x" * 2001)
    with pytest.raises(ValidationError):
        review_pair_confirm(actor=reviewer, pair=pair, reason=42)
    pair.refresh_from_db()
    assert pair.status == "pending" and not Merge.objects.exists()


def test_reviewers_see_partners_pairs_only(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    far = UserFactory(username="far", agency=personas.outsider_agency, roles=["linkage_reviewer"])
    assert list(review_queue(far)) == []
    client = sign_in(Client(), far)
    assert client.get(f"/person-index/review/{pair.pk}/").status_code == 404


def test_the_queue_costs_the_same_queries_however_long(
    reviewer, personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    pairs = []
    for i in range(30):
        a = record(personas.owner, f"A{i}", given_name=f"Ann{i}")
        b = record(personas.partner, f"B{i}", given_name=f"Ann{i}")
        pairs.append(ScoredPair(str(a.pk), str(b.pk), 0.6, 1.0, {}))
    apply_scores(None, pairs, upper=0.99, lower=0.5)
    client = sign_in(Client(), reviewer)
    with django_assert_max_num_queries(20):
        response = client.get("/person-index/review/")
    assert response.status_code == 200 and "30 pairs waiting" in response.content.decode()


def test_twins_held_back_by_the_models_guard_are_queued_not_linked(personas: Personas) -> None:
    from nestguard.linkage.engine.model import DEFAULT_GUARDS

    a = record(personas.owner, "T1", given_name="Callum", family_name="Riley",
               date_of_birth="2012-04-01")  # fmt: skip
    b = record(personas.partner, "T2", given_name="Owen", family_name="Riley",
               date_of_birth="2012-04-01")  # fmt: skip
    evidence = {"given_name": "different", "family_name": "exact", "date_of_birth": "exact"}
    counts = apply_scores(
        None,
        [ScoredPair(str(a.pk), str(b.pk), 0.995, 8.0, evidence)],
        upper=0.99,
        lower=0.5,
        held=lambda pair: any(g.holds(pair.evidence) for g in DEFAULT_GUARDS),
    )
    assert counts == {"links": 0, "queued_for_review": 1}
    assert not Merge.objects.exists()


def test_a_run_never_joins_two_people_already_linked(personas: Personas) -> None:
    a, b, c, d = (
        record(personas.owner, f"E{i}", given_name="Lee", family_name=f"Fam{i}") for i in range(4)
    )
    apply_scores(
        None,
        [
            ScoredPair(str(a.pk), str(b.pk), 0.99, 9.0, {}),
            ScoredPair(str(c.pk), str(d.pk), 0.99, 9.0, {}),
        ],
        upper=0.95,
        lower=0.5,
    )
    counts = apply_scores(
        None, [ScoredPair(str(b.pk), str(c.pk), 0.999, 10.0, {})], upper=0.95, lower=0.5
    )
    assert counts == {"links": 0, "queued_for_review": 1}
    assert Merge.objects.count() == 2
