"""The candidate index written to files and mapped by every web process (decision 0117): it
answers exactly as the in-memory index does (the scores equal the batch's: test_engine.py),
keeps what arrives after it was written, and is written whole or not at all."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from nestguard.linkage.engine import CandidateIndex, SourceRecord
from nestguard.linkage.engine.shared_index import (
    MappedCandidateIndex,
    read_manifest,
    stable_key,
    write_index,
)
from nestguard.linkage.engine.synthetic import ERROR_TYPES, Generator, generate


@pytest.fixture(scope="module")
def labelled():
    return generate(1500, seed=23)


@pytest.fixture
def mapped(records, model, tmp_path) -> MappedCandidateIndex:
    written = write_index(records, model, tmp_path, name="index", manifest={"note": "test"})
    assert written.records == len(records) and written.keys > 0
    return MappedCandidateIndex.open(written.path, model)


def _queries(labelled, count: int) -> list[SourceRecord]:
    rng = random.Random(5)
    maker = Generator(6)
    out = []
    for _ in range(count):
        first = rng.choice(labelled).record
        query = maker.copy_with_error(first, rng.choice(ERROR_TYPES))
        out.append(SourceRecord(**{**query.as_dict(), "record_id": ""}))
    return out


def test_the_mapped_index_answers_as_the_one_in_memory(labelled, records, model, mapped):
    memory = CandidateIndex.build(records, model)
    assert len(mapped) == len(memory) == len(records)
    for query in [*_queries(labelled, 80), *records[:40]]:
        assert mapped.lookup(query, limit=20) == memory.lookup(query, limit=20)


def test_records_added_and_corrected_after_writing_are_found(records, model, mapped):
    memory = CandidateIndex.build(records, model)
    new = SourceRecord("new-1", "police", "Zebedee", "Quixote", "2001-02-03", postcode="LS1 4AB")
    corrected = SourceRecord(**{**records[7].as_dict(), "family_name": "Abernathy-Quill"})
    for index in (mapped, memory):
        index.add(new)
        index.add(corrected)
    assert len(mapped) == len(records) + 1 and mapped.added == 1
    for query in (new, corrected, records[7], records[8]):
        asked = SourceRecord(**{**query.as_dict(), "record_id": ""})
        assert mapped.lookup(asked) == memory.lookup(asked)
    assert mapped.lookup(SourceRecord("", "", "Zebedee", "Quixote"))[0].record_id == "new-1"


def test_missing_ids_are_told_apart_one_by_one_and_in_bulk(records, mapped):
    mapped.add(SourceRecord("added-1", "x", "Ann", "Other"))
    held = [r.record_id for r in records]
    assert mapped.missing([held[3], "added-1", "nobody"]) == ["nobody"]
    bulk = [*held, "added-1", *(f"absent-{i}" for i in range(1200))]
    assert mapped.missing(bulk) == sorted(f"absent-{i}" for i in range(1200))


def test_keys_are_the_same_in_every_process():
    # Python's own hash of a string differs from process to process; the file's keys must not.
    key = (3, "JNTN", "SM0")
    code = (
        f"from nestguard.linkage.engine.shared_index import stable_key; print(stable_key({key!r}))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(  # noqa: S603 (this interpreter, our own code)
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert int(out.stdout) == stable_key(key)


def test_an_index_is_written_whole_or_not_at_all(records, model, tmp_path):
    def failing():
        yield from records[:50]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_index(failing(), model, tmp_path, name="index")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="twice"):
        write_index([records[0], records[0]], model, tmp_path, name="index")
    assert list(tmp_path.iterdir()) == []
    assert read_manifest(tmp_path) is None  # a directory without a manifest is no index


def test_an_index_of_another_model_is_refused(records, model, mapped):
    other = model.with_thresholds(upper=0.97, lower=0.6)
    with pytest.raises(ValueError, match="written for model"):
        MappedCandidateIndex.open(Path(mapped.path), other)
    assert mapped.manifest["note"] == "test" and mapped.manifest["records"] == len(records)
