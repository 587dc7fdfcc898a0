"""The second generator (agency extracts) and the missing date of birth rule (issue 14
point 1, decision 0116). Full-size figures: bench/linkage_accuracy.py."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from nestguard.linkage.engine import CandidateIndex, LinkageModel, SourceRecord, link_records
from nestguard.linkage.engine.comparisons import PERSON_COMPARISONS
from nestguard.linkage.engine.evaluate import score_clusters, score_pairs
from nestguard.linkage.engine.model import AutoLinkGuard
from nestguard.linkage.engine.normalise import features
from nestguard.linkage.engine.records import read_date_of_birth
from nestguard.linkage.engine.synthetic_extracts import (
    AGENCIES,
    EXTRACT_ERRORS,
    generate_extracts,
)


@pytest.fixture(scope="module")
def labelled():
    return generate_extracts(3000, seed=31)


# --- the generator ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_extracts_and_another_seed_others():
    assert generate_extracts(600, seed=3) == generate_extracts(600, seed=3)
    assert generate_extracts(600, seed=3) != generate_extracts(600, seed=4)


def test_every_error_type_and_every_agency_is_present(labelled):
    assert len(labelled) == 3000
    kinds = Counter(item.error_type for item in labelled)
    assert set(kinds) == {"first", *EXTRACT_ERRORS}
    assert {item.record.source for item in labelled} == {a.name for a in AGENCIES}
    assert len({item.record.record_id for item in labelled}) == 3000


def test_extracts_have_their_agencies_shapes(records):
    dates = [r.date_of_birth for r in records]
    parts = [read_date_of_birth(d).parts for d in dates]
    assert any(d == "" for d in dates)
    assert any(p[0] and not p[1] for p in parts)  # the year only
    assert any(p[1] and not p[2] for p in parts)  # the month and year only
    assert any("/" in d and len(d) == 10 for d in dates)  # DD/MM/YYYY
    assert any(d.isdigit() and len(d) == 8 for d in dates)  # YYYYMMDD
    # Nobody is born after the extracts were taken, and every date is real.
    assert all(not d or read_date_of_birth(d).iso for d in dates)
    assert all(read_date_of_birth(d).parts[0] <= "2025" for d in dates if d)
    assert any(r.phone.startswith("07") for r in records)
    assert any(r.phone.startswith("01") for r in records)  # a household's landline
    assert any(r.identifier for r in records)
    assert any("-" in r.family_name for r in records)  # double-barrelled and hyphenated
    assert any(not r.address_line1 for r in records)


def test_households_hold_twins_and_a_parent_and_child_of_one_name():
    labelled = generate_extracts(20_000, seed=31)
    firsts = [i for i in labelled if i.error_type == "first"]
    by_home: dict[tuple[str, str], list[SourceRecord]] = defaultdict(list)
    for item in firsts:
        record = item.record
        if record.postcode and read_date_of_birth(record.date_of_birth).parts[2]:
            by_home[(record.address_line1, record.postcode.replace(" ", ""))].append(record)
    twins = juniors = 0
    for people in by_home.values():
        for a, b in combinations(people, 2):
            same_family = a.family_name.lower() == b.family_name.lower()
            born = read_date_of_birth(a.date_of_birth).iso, read_date_of_birth(b.date_of_birth).iso
            given = a.given_name.lower(), b.given_name.lower()
            twins += same_family and born[0] == born[1] and given[0] != given[1]
            juniors += same_family and born[0] != born[1] and given[0] == given[1]
    assert twins > 0 and juniors > 0


# --- accuracy at a small size ------------------------------------------------------------------


def test_accuracy_on_agency_extracts(labelled, result):
    """At 3,000 records. Precision holds the issue's bar; recall is below it (0.98), as at
    full size: most of the pairs missed have nothing but names to compare (decision 0116)."""
    truth = {i.record.record_id: i.person_id for i in labelled}
    errors = {i.record.record_id: i.error_type for i in labelled}
    clusters = score_clusters(truth, result.clusters, errors)
    reported = [(a, b) for a, b, p, _held in result.reported_rows() if p >= 0.5]
    pairs = score_pairs(truth, reported, errors)
    print("\n".join(["clusters", *clusters.lines(), "pairs at 0.5", *pairs.lines()]))
    assert clusters.precision >= 0.99 and pairs.precision >= 0.99
    assert clusters.recall >= 0.93 and pairs.recall >= 0.93


# --- the missing date of birth rule ------------------------------------------------------------


def _record(record_id: str, given: str, family: str, **fields: str) -> SourceRecord:
    return SourceRecord(record_id, fields.pop("source", "police"), given, family, **fields)


def _linked(model: LinkageModel, *records: SourceRecord) -> bool:
    clusters = link_records(list(records), model).clusters
    return len({clusters[r.record_id] for r in records}) == 1


def test_no_date_of_birth_and_only_a_common_name_is_not_linked(model):
    with_date = _record("a", "Katherine", "Patterson", date_of_birth="1984-03-02", sex="F")
    without = _record("b", "KATHERINE", "PATTERSON", sex="F", source="voluntary")
    result = link_records([with_date, without], model)
    assert result.clusters["a"] != result.clusters["b"]
    reasons = [held for _a, _b, _p, held in result.reported_rows()]
    assert reasons and all("no date of birth" in reason for reason in reasons)


def test_a_rare_full_name_and_a_shared_mobile_are_enough_without_a_date(model):
    known = _record(
        "a", "Oluwafemi", "Brackthwaite", date_of_birth="1990-07-14", sex="M", phone="07700900417"
    )
    again = _record("b", "Femi", "Brackthwaite", sex="M", phone="+44 7700 900417")
    assert _linked(model, known, again)


def test_a_shared_identifier_is_enough_without_a_date(model):
    known = _record(
        "a", "Ursula", "Heththwaite", date_of_birth="1961-08-27", identifier="6384702496"
    )
    again = _record("b", "Ursula", "Heththwaite", identifier="638 470 2496", source="health")
    assert _linked(model, known, again)


def test_the_full_name_at_the_same_address_is_enough_but_not_a_name_alone(model):
    home = {"address_line1": "12 Siskin Row", "town": "Cassford", "postcode": "QX4 2BL"}
    known = _record("a", "Tamsin", "Lofthope", date_of_birth="1979-11-02", sex="F", **home)
    again = _record("b", "TAMSIN", "LOFTHOPE", sex="F", source="housing", **home)
    assert _linked(model, known, again)
    elsewhere = _record("c", "Tamsin", "Lofthope", sex="F", source="housing")
    assert not _linked(model, known, elsewhere)


def test_the_rule_survives_json_and_guards_stored_before_still_load(model):
    again = LinkageModel.from_json(model.to_json())
    assert again.guards == model.guards and again.version == model.version
    rule = next(g for g in model.guards if g.levels == ("missing",))
    assert rule.unless_all and rule.ceiling is None
    stored_before = {
        "comparison": "given_name",
        "levels": ["different"],
        "unless": {"identifier": ["exact"]},
    }
    old = AutoLinkGuard.from_json(stored_before)
    assert old.unless_all == () and old.ceiling is None and old.as_json() == stored_before
    assert json.loads(json.dumps(rule.as_json())) == rule.as_json()


def test_twins_are_reported_below_review_in_pairs_but_still_offered_for_review(model):
    home = {"address_line1": "3 Lapwing Rise", "town": "Quarrenby", "postcode": "ZQ5 4DY"}
    born = {"date_of_birth": "2012-05-01", "sex": "F"}
    twin_a = _record("t1", "Gemma", "Pryhope", **born, **home)
    twin_b = _record("t2", "Kimberley", "Pryhope", **born, **home)
    result = link_records([twin_a, twin_b], model)
    assert result.clusters["t1"] != result.clusters["t2"]
    assert [(p.left_id, p.right_id) for p in result.review_pairs] == [("t1", "t2")]
    [(_a, _b, probability, held)] = list(result.reported_rows())
    assert probability <= 0.4 and "given names differ" in held


# --- partial dates of birth (decision 0127) ----------------------------------------------------


def _date_level(left: str, right: str) -> str:
    (comparison,) = [c for c in PERSON_COMPARISONS if c.name == "date_of_birth"]
    a = features(SourceRecord("a", date_of_birth=left))
    b = features(SourceRecord("b", date_of_birth=right))
    return comparison.levels[comparison.level_index(a, b)].label


def test_a_month_and_year_agreeing_is_its_own_level_apart_from_a_year():
    assert _date_level("11/1962", "21/11/1962") == "month and year agree"
    assert _date_level("1962-11-21", "1962-11") == "month and year agree"
    assert _date_level("1962", "1962-11-21") == "partial date agrees"
    assert _date_level("1962", "1962-11") == "partial date agrees"
    assert _date_level("1962-11", "1962-11") == "exact"
    assert _date_level("1962-10", "1962-11-21") == "different"


def test_a_month_and_year_agreeing_weigh_more_than_a_year_alone(model):
    (index,) = [i for i, c in enumerate(model.comparisons) if c.name == "date_of_birth"]
    labels = [level.label for level in model.comparisons[index].levels]
    weights = model.level_weights[index]
    month = weights[labels.index("month and year agree")]
    year = weights[labels.index("partial date agrees")]
    assert month > year + 1


def _batch_and_lookup_levels(model: LinkageModel, people: list[SourceRecord], name: str) -> set:
    """The levels of comparison `name` among the batch's scored pairs, checking that the
    real-time lookup puts each pair in the same levels and scores it the same."""
    result = link_records(people, model)
    index = CandidateIndex.build(people, model)
    by_id = {r.record_id: r for r in people}
    seen = set()
    for pair in result.pairs:
        found = {c.record_id: c for c in index.lookup(by_id[pair.left_id], limit=10)}
        assert found[pair.right_id].evidence == pair.evidence
        assert found[pair.right_id].match_weight == pytest.approx(pair.match_weight, abs=1e-6)
        seen.add(pair.evidence[name])
    return seen


def test_batch_and_lookup_put_partial_dates_in_the_same_level(model):
    people = [
        _record("a", "Cerys", "Lofthope", date_of_birth="1979-11-02", sex="F"),
        _record("b", "CERYS", "LOFTHOPE", date_of_birth="11/1979", sex="F", source="youth_justice"),
        _record("c", "Cerys", "Lofthope", date_of_birth="1979", sex="F", source="housing"),
    ]
    seen = _batch_and_lookup_levels(model, people, "date_of_birth")
    assert {"month and year agree", "partial date agrees"} <= seen


def test_a_month_and_year_and_one_name_bring_a_partial_date_beside_the_full_one(model):
    # Youth justice gives the month and year only, and mistypes the family name: no date
    # key, and the family names do not sound alike, so only the month and year with the
    # given name compare the two (decision 0138).
    full = _record("a", "Tamsin", "Lofthope", date_of_birth="1979-11-02", sex="F")
    partial = _record(
        "b", "Tamsin", "Loftshope", date_of_birth="11/1979", sex="F", source="youth_justice"
    )
    # Born the same month with the given name, but on another day: both dates are full, so
    # the rule adds nothing the date key rules have not already weighed.
    other_day = _record("c", "Tamsin", "Quarrenby", date_of_birth="1979-11-23", sex="F")
    assert features(full)["fn_meta"] != features(partial)["fn_meta"]
    result = link_records([full, partial, other_day], model)
    scored = {(p.left_id, p.right_id) for p in result.pairs}
    assert ("a", "b") in scored
    assert ("a", "c") not in scored


# --- a landline where an address is missing (decision 0140) ------------------------------------


def _phone_level(left: SourceRecord, right: SourceRecord) -> str:
    (comparison,) = [c for c in PERSON_COMPARISONS if c.name == "phone"]
    return comparison.levels[comparison.level_index(features(left), features(right))].label


_HOME = {"address_line1": "40 Kiln Walk", "town": "Pencraig", "postcode": "XV7 3RT"}


def test_a_landline_counts_only_where_an_address_is_missing():
    known = _record("a", "Fergus", "Glenholme", phone="01632 960417", **_HOME)
    no_address = _record("b", "Fergus", "Glenholme", phone="01632960417")
    at_home = _record("c", "Fergus", "Glenholme", phone="01632960417", **_HOME)
    other_line = _record("d", "Fergus", "Glenholme", phone="01632960999")
    mobile = _record("e", "Fergus", "Glenholme", phone="07700900417")
    assert _phone_level(known, no_address) == "same landline, an address missing"
    # Both give the address: the address weighs the household, the landline does not again.
    assert _phone_level(known, at_home) == "a landline on either side"
    assert _phone_level(no_address, other_line) == "a landline on either side"
    assert _phone_level(no_address, mobile) == "a landline on either side"
    assert _phone_level(mobile, _record("f", "Fergus", "Glenholme", phone="07700900999")) == (
        "different"
    )


def test_a_landline_on_either_side_weighs_as_no_phone(model):
    (index,) = [i for i, c in enumerate(model.comparisons) if c.name == "phone"]
    labels = [level.label for level in model.comparisons[index].levels]
    weights = model.level_weights[index]
    assert weights[labels.index("a landline on either side")] == 0.0
    assert weights[labels.index("same landline, an address missing")] > 6


def test_the_full_name_and_the_same_landline_are_enough_where_an_address_is_missing(model):
    known = _record(
        "a", "Fergus", "Glenholme", date_of_birth="1971-02-19", sex="M", phone="01632960417",
        **_HOME,
    )  # fmt: skip
    again = _record("b", "FERGUS", "GLENHOLME", sex="M", phone="01632 960417", source="voluntary")
    assert _linked(model, known, again)
    # The same name with another landline, or with none: a name alone is not enough.
    other = _record("c", "Fergus", "Glenholme", sex="M", phone="01632960999", source="voluntary")
    assert not _linked(model, known, other)
    bare = _record("d", "Fergus", "Glenholme", sex="M", source="voluntary")
    assert not _linked(model, known, bare)


def test_a_shared_landline_does_not_lift_the_household_guards(model):
    born = {"date_of_birth": "2011-09-14", "sex": "F"}
    twin_a = _record("t1", "Harriet", "Lofthope", phone="01632960588", **born, **_HOME)
    twin_b = _record("t2", "Imogen", "Lofthope", phone="01632960588", source="education", **born)
    # A mother and her daughter of one name ("junior"): dates of birth differ.
    mother = _record(
        "m", "Harriet", "Lofthope", date_of_birth="1983-04-02", sex="F", phone="01632960588",
        **_HOME,
    )  # fmt: skip
    result = link_records([twin_a, twin_b, mother], model)
    assert len({result.clusters[r] for r in ("t1", "t2", "m")}) == 3
    held = {(a, b): reason for a, b, _p, reason in result.reported_rows()}
    assert "given names differ" in held[("t1", "t2")]
    assert "dates of birth differ" in held[("m", "t1")]


def test_batch_and_lookup_put_a_landline_in_the_same_level(model):
    people = [
        _record(
            "a", "Fergus", "Glenholme", date_of_birth="1971-02-19", phone="01632960417", **_HOME
        ),
        _record("b", "Fergus", "Glenholme", date_of_birth="1971", phone="01632960417"),
        _record("c", "Fergus", "Glenholme", date_of_birth="1971-02-19", phone="07700900417"),
        _record("d", "Fergus", "Glenholme", date_of_birth="1971-02", phone="01632960417", **_HOME),
    ]
    seen = _batch_and_lookup_levels(model, people, "phone")
    assert {"same landline, an address missing", "a landline on either side"} <= seen
