"""The instrument files: the defaults pinned, and the loader refusing anything that could band
a score wrongly."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from nestguard.risk.loader import (
    INSTRUMENTS_DIR,
    InstrumentError,
    all_instruments,
    current_instruments,
    get_instrument,
    load_instrument_file,
    load_instruments,
    parse_instrument,
)


def raw(code: str = "cce_child") -> dict[str, Any]:
    return json.loads((INSTRUMENTS_DIR / f"{code}-v1.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", ["cce_child", "cuckooing_adult"])
def test_the_default_instruments_are_pinned(code):
    instrument = get_instrument(code)
    assert instrument is not None
    assert instrument.version == "1"
    assert len(instrument.items) == 18
    assert all([o.score for o in item.options] == [0, 1, 2, 3] for item in instrument.items)
    assert instrument.max_score == 54
    assert [(b.code, b.min, b.max) for b in instrument.bands] == [
        ("low", 0, 18),
        ("medium", 19, 34),
        ("high", 35, 54),
    ]
    assert [b.review_days for b in instrument.bands] == [56, 28, 14]
    assert (instrument.judgement_min, instrument.judgement_max) == (-10, 10)
    assert instrument.source and instrument.title


def test_each_instrument_is_for_whom_it_says():
    assert get_instrument("cce_child").applies_to == "child"  # type: ignore[union-attr]
    assert get_instrument("cuckooing_adult").applies_to == "adult"  # type: ignore[union-attr]


def test_the_child_instrument_covers_the_merseyside_domains():
    labels = " ".join(i.label.lower() for i in get_instrument("cce_child").items)  # type: ignore[union-attr]
    for domain in [
        "missing",
        "school",
        "individual needs",
        "accommodation and home relationships",
        "peer association",
        "drugs and alcohol",
        "exploitation",
        "mental health",
        "physical health",
    ]:
        assert domain in labels, domain


def test_every_shipped_file_loads_and_is_listed():
    keys = set(load_instruments().keys())
    assert {("cce_child", "1"), ("cuckooing_adult", "1")} <= keys
    assert keys == set(all_instruments().keys())
    assert {i.code for i in current_instruments()} >= {"cce_child", "cuckooing_adult"}


def test_an_unknown_instrument_or_version_is_none():
    assert get_instrument("nope") is None
    assert get_instrument("cce_child", "99") is None


def _broken(change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw())
    change(data)
    return data


BROKEN = {
    "a gap between bands": (
        lambda d: d["bands"][1].update(min=20),
        "no band covers 19 to 19",
    ),
    "overlapping bands": (
        lambda d: d["bands"][1].update(min=18),
        "overlaps",
    ),
    "bands ending short of the maximum": (
        lambda d: d["bands"][2].update(max=50),
        "can score up to 54",
    ),
    "bands going past the maximum": (
        lambda d: d["bands"][2].update(max=60),
        "can score up to 54",
    ),
    "bands not starting at 0": (
        lambda d: d["bands"][0].update(min=1),
        "no band covers 0 to 0",
    ),
    "a band upside down": (
        lambda d: d["bands"][0].update(min=18, max=0),
        "starts above its end",
    ),
    "an option scoring above the scale": (
        lambda d: d["items"][0]["options"][3].update(score=4),
        "outside the scale",
    ),
    "a negative score": (
        lambda d: d["items"][0]["options"][1].update(score=-1),
        "outside the scale",
    ),
    "a score that is not a whole number": (
        lambda d: d["items"][0]["options"][1].update(score=1.5),
        "wrong type",
    ),
    "a score given as true": (
        lambda d: d["items"][0]["options"][1].update(score=True),
        "wrong type",
    ),
    "an item with no zero option": (
        lambda d: d["items"][0]["options"][0].update(score=1),
        "no option scoring 0",
    ),
    "a repeated item code": (
        lambda d: d["items"][1].update(code=d["items"][0]["code"]),
        "repeats the item code",
    ),
    "a repeated option code": (
        lambda d: d["items"][0]["options"][1].update(code="none"),
        "repeats 'none'",
    ),
    "a repeated band code": (
        lambda d: d["bands"][1].update(code="low"),
        "repeats a band code",
    ),
    "no items": (lambda d: d.update(items=[]), "has no items"),
    "no bands": (lambda d: d.update(bands=[]), "has no bands"),
    "a missing source": (lambda d: d.pop("source"), "has no 'source'"),
    "an empty title": (lambda d: d.update(title="  "), "'title' is empty"),
    "an unknown subject": (lambda d: d.update(applies_to="both"), "applies_to"),
    "a judgement range without 0": (
        lambda d: d.update(judgement={"min": 1, "max": 10}),
        "must include 0",
    ),
    "a review interval of 0 days": (
        lambda d: d["bands"][0].update(review_days=0),
        "review_days",
    ),
    "an item with one option": (
        lambda d: d["items"][0].update(options=d["items"][0]["options"][:1]),
        "at least two options",
    ),
    "a code with capitals": (lambda d: d["items"][0].update(code="Missing"), "lower case"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_instrument_is_refused(name):
    change, message = BROKEN[name]
    with pytest.raises(InstrumentError, match=message):
        parse_instrument(_broken(change))


def test_the_shipped_data_itself_parses():
    assert parse_instrument(raw("cuckooing_adult")).max_score == 54


def test_a_folder_with_one_broken_file_is_refused_whole(tmp_path: Path):
    good = raw()
    (tmp_path / "cce_child-v1.json").write_text(json.dumps(good))
    assert list(load_instruments(tmp_path)) == [("cce_child", "1")]
    bad = copy.deepcopy(good)
    bad["version"] = "2"
    bad["bands"][1]["min"] = 21
    (tmp_path / "cce_child-v2.json").write_text(json.dumps(bad))
    with pytest.raises(
        InstrumentError, match=re.escape("cce_child-v2.json: no band covers 19 to 20")
    ):
        load_instruments(tmp_path)


def test_a_file_must_be_named_for_its_code_and_version(tmp_path: Path):
    path = tmp_path / "cce_child-v2.json"
    path.write_text(json.dumps(raw()))
    with pytest.raises(InstrumentError, match="holds cce_child version 1: rename it"):
        load_instrument_file(path)
    odd = tmp_path / "child tool.json"
    odd.write_text(json.dumps(raw()))
    with pytest.raises(InstrumentError, match=re.escape("named <code>-v<version>.json")):
        load_instrument_file(odd)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path):
    path = tmp_path / "cce_child-v1.json"
    path.write_text("{not json")
    with pytest.raises(InstrumentError, match="cannot be read as JSON"):
        load_instrument_file(path)


def test_a_newer_version_becomes_current_and_the_old_one_stays(tmp_path: Path):
    first = raw()
    second = copy.deepcopy(first)
    second["version"] = "10"
    second["title"] = "Revised tool"
    (tmp_path / "cce_child-v1.json").write_text(json.dumps(first))
    (tmp_path / "cce_child-v10.json").write_text(json.dumps(second))
    loaded = load_instruments(tmp_path)
    assert set(loaded) == {("cce_child", "1"), ("cce_child", "10")}
