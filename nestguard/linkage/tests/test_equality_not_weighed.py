"""Point 6 of issue 11 (decision 0091) in the person index: gender identity and ethnicity are
not linkage fields at all, and a Person's monitoring fields never reach a source record; sex
is compared only as a source record gives it, and a disagreement costs little."""

from __future__ import annotations

import dataclasses

import pytest

from nestguard.linkage.engine import CandidateIndex, SourceRecord, train_model
from nestguard.linkage.engine.comparisons import PERSON_COMPARISONS, WEIGHT_FLOORS
from nestguard.linkage.engine.model import floor_weights
from nestguard.linkage.engine.normalise import FEATURE_COLUMNS
from nestguard.linkage.engine.synthetic import generate
from nestguard.linkage.services.records import person_values
from nestguard.people.equality import EQUALITY_FIELDS
from tests.factories import PersonFactory


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return train_model([item.record for item in generate(1500, seed=5)], seed=42)


def test_gender_identity_and_ethnicity_are_no_linkage_field():
    fields = {f.name for f in dataclasses.fields(SourceRecord)}
    compared = {c.name for c in PERSON_COMPARISONS}
    for name in ("gender_identity", "ethnicity"):
        assert name not in fields and name not in compared and name not in FEATURE_COLUMNS


@pytest.mark.django_db
def test_a_persons_monitoring_fields_never_reach_the_person_index():
    person = PersonFactory(
        given_name="Ana", family_name="Lopes", sex="female", gender_identity="different",
        ethnicity="white_roma",
    )  # fmt: skip
    values = person_values(person)
    assert not set(values) & set(EQUALITY_FIELDS)
    assert "female" not in values.values() and "white_roma" not in values.values()


def test_a_sex_disagreement_costs_at_most_its_floor(model):  # type: ignore[no-untyped-def]
    index = next(i for i, c in enumerate(PERSON_COMPARISONS) if c.name == "sex")
    weights = model.level_weights[index]
    different = [lv.label for lv in PERSON_COMPARISONS[index].levels].index("different")
    assert weights[different] >= WEIGHT_FLOORS["sex"] - 1e-9
    assert WEIGHT_FLOORS["sex"] >= -1.0
    # The floor bounds the disagreement only: agreement keeps the weight it was trained to
    # (sex never disagrees between the generator's true pairs: m near 1, u near 0.57).
    # Scaling m back to a sum of one cost it 0.4 bits, and recall at a million records.
    exact = [lv.label for lv in PERSON_COMPARISONS[index].levels].index("exact")
    assert weights[exact] > 0.7  # 0.80 here; 0.46 when m was scaled back to one


def test_a_floor_raises_the_floored_level_and_leaves_the_others():
    sex = next(c for c in PERSON_COMPARISONS if c.name == "sex")
    floored = floor_weights([sex], [[None, 0.999, 0.001]], [[None, 0.5, 0.5]], {"sex": -1.0})
    assert floored == [[None, 0.999, 0.25]]
    untouched = floor_weights([sex], [[None, 0.7, 0.3]], [[None, 0.5, 0.5]], {"sex": -1.0})
    assert untouched == [[None, 0.7, 0.3]]


def _weights(model, query, records):  # type: ignore[no-untyped-def]
    index = CandidateIndex.build(records, model)
    return {c.record_id: c for c in index.lookup(query)}


def test_records_differing_only_in_sex_still_link(model):  # type: ignore[no-untyped-def]
    base = SourceRecord(
        record_id="a", source="police", given_name="Kayden", family_name="Morris",
        date_of_birth="2009-04-12", sex="M", address_line1="4 Mill Lane", postcode="NB1 2AB",
    )  # fmt: skip
    same = dataclasses.replace(base, record_id="b", source="school")
    other = dataclasses.replace(base, record_id="c", source="health", sex="F")
    found = _weights(model, base, [same, other])
    sex = [c.name for c in PERSON_COMPARISONS].index("sex")
    agree = model.level_weights[sex][1]
    assert found["b"].match_weight - found["c"].match_weight == pytest.approx(agree + 1.0)
    assert found["c"].match_probability >= model.upper_threshold


@pytest.mark.django_db
def test_people_differing_only_in_gender_identity_and_ethnicity_score_alike(model):  # type: ignore[no-untyped-def]
    common = {"given_name": "Kayden", "family_name": "Morris", "sex": "male"}
    one = PersonFactory(gender_identity="same", ethnicity="white_british", **common)
    two = PersonFactory(gender_identity="different", ethnicity="black_african", **common)
    records = [SourceRecord(**{**person_values(p), "source": "nestguard"}) for p in (one, two)]
    query = SourceRecord(record_id="q", source="police", given_name="Kayden", family_name="Morris")
    found = _weights(model, query, records)
    assert found[str(one.pk)].match_weight == found[str(two.pk)].match_weight
    assert found[str(one.pk)].evidence == found[str(two.pk)].evidence
