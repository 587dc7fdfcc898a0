"""Dates of birth that are not real dates (issue 14 point 3, decision 0113): read in every
usual form, kept as given, compared as text, and scored alike by DuckDB, Spark and the
real-time lookup."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pytest

from nestguard.linkage.engine import CandidateIndex, SourceRecord, link_records, train_model
from nestguard.linkage.engine.comparisons import PERSON_BLOCKING, PERSON_COMPARISONS
from nestguard.linkage.engine.normalise import features
from nestguard.linkage.engine.records import read_date_of_birth
from nestguard.linkage.engine.synthetic import generate

# Under `--dist loadgroup` this module and the other that starts a Spark session in the test
# process run on one worker: the session (a JVM of 2 GB) is made once a process, so once a
# pass rather than once per worker that meets a Spark test (tests/parallel.py, decision 0128).
pytestmark = pytest.mark.xdist_group("spark")


@pytest.mark.parametrize(
    ("given", "parts", "iso"),
    [
        ("1950-04-06", ("1950", "04", "06"), "1950-04-06"),
        ("06/04/1950", ("1950", "04", "06"), "1950-04-06"),
        ("6.4.1950", ("1950", "04", "06"), "1950-04-06"),
        ("19500406", ("1950", "04", "06"), "1950-04-06"),
        ("1950-4", ("1950", "04", ""), "1950-04"),
        ("1950", ("1950", "", ""), "1950"),
        ("", ("", "", ""), ""),
    ],
)
def test_real_dates_are_read_in_every_usual_form(given, parts, iso):
    reading = read_date_of_birth(given)
    assert (reading.parts, reading.iso, reading.doubtful) == (parts, iso, False)


@pytest.mark.parametrize(
    ("given", "parts"),
    [
        ("1950-43-06", ("1950", "43", "06")),
        ("31/02/1980", ("1980", "02", "31")),
        ("19551192", ("1955", "11", "92")),
        ("0000-00-00", ("", "", "")),  # a placeholder: compared as missing
        ("unknown", ("", "", "")),
    ],
)
def test_dates_that_are_not_real_keep_their_digits_and_say_why(given, parts):
    reading = read_date_of_birth(given)
    assert reading.parts == parts and reading.iso == "" and reading.doubtful
    assert repr(given) in reading.problem


def _level(left: str, right: str) -> str:
    (comparison,) = [c for c in PERSON_COMPARISONS if c.name == "date_of_birth"]
    a = features(SourceRecord("a", date_of_birth=left))
    b = features(SourceRecord("b", date_of_birth=right))
    return comparison.levels[comparison.level_index(a, b)].label


def test_a_date_that_is_not_real_still_agrees_closely_as_text():
    assert _level("1950-04-06", "1950-43-06") == "one digit different"
    assert _level("1950-43-06", "1950-43-06") == "exact"
    assert _level("31/02/1980", "1980-02-31") == "exact"
    assert _level("1980-02-31", "1980-31-02") == "day and month swapped"
    # Between real dates, two digits off is still two digits off.
    assert _level("1950-04-06", "1950-04-17") == "two digits different"
    assert _level("1950-04-06", "0000-00-00") == "missing"


def test_transposed_digits_share_blocking_keys():
    a = features(SourceRecord("a", date_of_birth="1962-11-21", address_line1="12 Mill Lane"))
    b = features(SourceRecord("b", date_of_birth="1962-12-11", address_line1="12 Mill Lane"))
    assert _level("1962-11-21", "1962-12-11") == "digits transposed"
    rule = next(r for r in PERSON_BLOCKING if r.columns == ("dob_sorted", "house"))
    assert all(a[c] is not None and a[c] == b[c] for c in rule.columns)


COPIES = 40


@pytest.fixture(scope="module")
def copied():
    """600 synthetic records, and copies of 40 of them whose month is impossible (some
    written day first), with the original each copies."""
    base = [item.record for item in generate(600, seed=23)]
    full = [r for r in base if len(r.date_of_birth) == 10][:COPIES]
    copies = {}
    for i, record in enumerate(full):
        year, month, day = record.date_of_birth.split("-")
        wrong = f"{year}-{int(month) + 40}-{day}" if i % 2 else f"{day}/{int(month) + 12}/{year}"
        copy = dataclasses.replace(record, record_id=f"doubt-{i}", date_of_birth=wrong)
        copies[copy.record_id] = (copy, record.record_id)
    return base + [c for c, _ in copies.values()], {k: v for k, (_, v) in copies.items()}


@pytest.fixture(scope="module")
def records(copied):
    return copied[0]


@pytest.fixture(scope="module")
def model(records):
    return train_model(records, seed=42)


def test_lookup_scores_equal_the_batch_for_doubtful_dates(records, copied, model):
    result = link_records(records, model)
    index = CandidateIndex.build(records, model)
    by_id = {r.record_id: r for r in records}
    doubtful_pairs = [
        p for p in result.pairs if p.left_id.startswith("doubt-") or p.right_id.startswith("doubt-")
    ]
    assert len(doubtful_pairs) >= COPIES
    checked = 0
    for pair in doubtful_pairs:
        found = {c.record_id: c for c in index.lookup(by_id[pair.left_id], limit=50)}
        if pair.right_id in found:
            assert found[pair.right_id].match_weight == pytest.approx(pair.match_weight, abs=1e-6)
            assert found[pair.right_id].evidence == pair.evidence
            checked += 1
    assert checked >= COPIES
    # Almost every copy with an impossible month joins its original.
    originals = copied[1]
    joined = [c for c, o in originals.items() if result.clusters[c] == result.clusters[o]]
    assert len(joined) >= COPIES - 2


def test_spark_scores_doubtful_dates_as_duckdb_does(records, model):
    if shutil.which("java") is None:
        if os.environ.get("NESTGUARD_REQUIRE_SPARK") == "1":
            pytest.fail("NESTGUARD_REQUIRE_SPARK=1 but no Java runtime is installed")
        pytest.skip("no Java runtime: the Spark engine cannot run here")
    small = records[:150] + records[-40:]
    duck = link_records(small, model, engine="duckdb")
    spark = link_records(small, model, engine="spark")
    assert [(p.left_id, p.right_id) for p in spark.pairs] == [
        (p.left_id, p.right_id) for p in duck.pairs
    ]
    for a, b in zip(spark.pairs, duck.pairs, strict=True):
        assert a.match_probability == pytest.approx(b.match_probability, abs=1e-9)
        assert a.evidence == b.evidence
