"""Point 6 of issue 11 (decision 0091): sex, gender identity and ethnicity are recorded for
monitoring and never scored. Static checks over every app, so that a rule file or a scoring
module added later (the prevention list's rules, a new instrument) is checked too.

- No rules data file (a risk instrument, any app's `data/*rules*.json`, `weights`,
  `thresholds`, `signals`) names an equality field, as a key or as a value.
- No scoring, prevention or linkage module reads a person's equality fields.
The behavioural checks are beside the code they guard: `risk/tests/test_equality_not_scored.py`
and `linkage/tests/test_equality_not_weighed.py`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nestguard.people.equality import EQUALITY_FIELDS

ROOT = Path(__file__).resolve().parent.parent / "nestguard"
# Names an equality field may go by in a rule: the fields, and the words they come from.
NAMES = {*EQUALITY_FIELDS, "gender", "ethnic_group", "ethnic", "race"}
RULE_WORDS = ("rules", "weights", "thresholds", "signals", "scoring")


def rules_files() -> list[Path]:
    """Every file that holds rules as data: risk instruments, and each app's data files
    whose name says they are rules, weights, thresholds or signals."""
    files = sorted((ROOT / "risk" / "instruments").glob("*.json"))
    for path in sorted(ROOT.glob("*/data/*.json")):
        if any(word in path.stem for word in RULE_WORDS):
            files.append(path)
    return files


def keys_and_values(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from keys_and_values(value)
    elif isinstance(data, list):
        for value in data:
            yield from keys_and_values(value)
    elif isinstance(data, str):
        yield data


def names_an_equality_field(text: str) -> bool:
    """A key or value that is a field's name, or refers to one (`person.sex`, `ethnicity:`);
    prose that merely contains the letters ("sexual exploitation", "sex work") does not."""
    token = text.strip().lower()
    if token in NAMES:
        return True
    return any(re.search(rf"(^|[.\[\"'_]){name}($|[.\]\"':=])", token) for name in NAMES)


def test_the_rule_files_are_found():
    names = {p.name for p in rules_files()}
    assert {"cce_child-v1.json", "cuckooing_adult-v1.json", "missing_rules.json"} <= names


@pytest.mark.parametrize("path", rules_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_no_rules_file_names_an_equality_field(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    found = sorted({t for t in keys_and_values(data) if names_an_equality_field(t)})
    assert not found, f"{path} names equality fields: {found}"


def test_the_check_would_catch_one():
    assert names_an_equality_field("ethnicity")
    assert names_an_equality_field("person.sex")
    assert names_an_equality_field("gender_identity")
    assert not names_an_equality_field("Child sexual exploitation")
    assert not names_an_equality_field("Involved in sex work")


# Modules that score, list or weigh people. Linkage compares a source record's own `sex`
# (as the agency sent it, with a floored weight) and must never read a Person's fields.
SCORING_MODULES = ("risk", "prevention")
PERSON_FIELD = re.compile(
    r"\.(sex|gender_identity|ethnicity)\b|[\"'](gender_identity|ethnicity)[\"']"
)


def python_files(app: str) -> list[Path]:
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "tests" not in p.parts]


@pytest.mark.parametrize("app", SCORING_MODULES)
def test_no_scoring_module_reads_an_equality_field(app):
    if not (ROOT / app).is_dir():
        pytest.skip(f"nestguard/{app} is not in this tree (it is built on another branch)")
    offending = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in python_files(app)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PERSON_FIELD.search(line)
    ]
    assert not offending, offending


def test_linkage_never_reads_gender_identity_or_ethnicity():
    offending = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in python_files("linkage")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"gender_identity|ethnicity", line)
    ]
    assert not offending, offending
