"""`nestguard link_file`: CSV in, pairs.csv and clusters.csv out, no database."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nestguard.linkage.engine.records import FIELDS
from nestguard.linkage.engine.synthetic import generate


def _write(path, rows, header=FIELDS, encoding="utf-8"):
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(scope="module")
def good_rows():
    return [[getattr(i.record, f) for f in FIELDS] for i in generate(400, seed=5)]


def test_links_two_files_without_a_database(tmp_path, good_rows):
    a = _write(tmp_path / "a.csv", good_rows[:200])
    b = _write(tmp_path / "b.csv", good_rows[200:])
    out = tmp_path / "out"
    stdout = StringIO()
    call_command(
        "link_file",
        "--input",
        str(a),
        "--input",
        str(b),
        "--output-dir",
        str(out),
        "--save-model",
        str(tmp_path / "model.json"),
        stdout=stdout,
        stderr=StringIO(),
    )
    with (out / "pairs.csv").open() as f:
        pairs = list(csv.reader(f))
    with (out / "clusters.csv").open() as f:
        clusters = list(csv.reader(f))
    assert pairs[0] == ["left_id", "right_id", "match_probability", "held"]
    assert clusters[0] == ["record_id", "cluster_id"]
    assert len(clusters) == 401
    assert all(float(p) >= 0.01 for _, _, p, _held in pairs[1:])
    assert all(left < right for left, right, _, _held in pairs[1:])
    # The stored model gives the same output again.
    again = tmp_path / "again"
    call_command(
        "link_file",
        "--input",
        str(a),
        "--input",
        str(b),
        "--output-dir",
        str(again),
        "--model",
        str(tmp_path / "model.json"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert (again / "pairs.csv").read_text() == (out / "pairs.csv").read_text()
    assert (again / "clusters.csv").read_text() == (out / "clusters.csv").read_text()


def _fails(tmp_path, *paths):
    out = tmp_path / "out"
    stderr = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "link_file",
            *[x for p in paths for x in ("--input", str(p))],
            "--output-dir",
            str(out),
            stdout=StringIO(),
            stderr=stderr,
        )
    assert not (out / "pairs.csv").exists() and not (out / "clusters.csv").exists()
    return stderr.getvalue()


def test_wrong_columns_reported(tmp_path, good_rows):
    bad = _write(tmp_path / "bad.csv", [r[:11] for r in good_rows[:3]], header=FIELDS[:11])
    assert "bad.csv row 1: wrong columns (missing identifier)" in _fails(tmp_path, bad)


def test_doubtful_dates_are_kept_compared_as_text_and_listed(tmp_path, good_rows):
    rows = [list(r) for r in good_rows[:200]]
    rows[1][4] = "03/07/2010"  # a real date, day first: read, not doubtful
    rows[3][4] = "2010-02-30"
    rows[4][4] = "31/02/1980"
    # One person twice, the second time with the month mistyped into an impossible one.
    person = ["", "x", "Zaneta", "Quarrington", "", "F", "7 Larkspur Way", "", "Northbrook",
              "NB7 3QX", "", ""]  # fmt: skip
    rows.append(["zq-1", *person[1:4], "1950-04-06", *person[5:]])
    rows.append(["zq-2", *person[1:4], "1950-43-06", *person[5:]])
    path = _write(tmp_path / "dates.csv", rows)
    out = tmp_path / "out"
    stdout = StringIO()
    call_command(
        "link_file", "--input", str(path), "--output-dir", str(out),
        stdout=stdout, stderr=StringIO(),
    )  # fmt: skip
    with (out / "doubtful.csv").open() as f:
        doubtful = list(csv.DictReader(f))
    assert [(d["row"], d["record_id"], d["column"], d["value"]) for d in doubtful] == [
        ("5", rows[3][0], "date_of_birth", "2010-02-30"),
        ("6", rows[4][0], "date_of_birth", "31/02/1980"),
        ("203", "zq-2", "date_of_birth", "1950-43-06"),
    ]
    assert all("kept as given and compared as text" in d["problem"] for d in doubtful)
    assert "3 doubtful value(s)" in stdout.getvalue()
    with (out / "clusters.csv").open() as f:
        clusters = {row["record_id"]: row["cluster_id"] for row in csv.DictReader(f)}
    assert len(clusters) == 202  # every record linked, none dropped
    # The copy with the impossible month still joins its original.
    assert clusters["zq-1"] == clusters["zq-2"]


def test_a_clean_file_writes_an_empty_doubtful_list(tmp_path, good_rows):
    path = _write(tmp_path / "clean.csv", [list(r) for r in good_rows[:5]])
    out = tmp_path / "out"
    call_command(
        "link_file", "--input", str(path), "--output-dir", str(out),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    assert (out / "doubtful.csv").read_text().splitlines() == [
        "file,row,record_id,column,value,problem"
    ]


def test_bad_encoding_reported_by_row(tmp_path, good_rows):
    rows = [list(r) for r in good_rows[:4]]
    rows[2][2] = "Zoë"
    bad = _write(tmp_path / "latin.csv", rows, encoding="latin-1")
    assert "latin.csv row 4: is not UTF-8" in _fails(tmp_path, bad)


def test_duplicate_ids_across_files_and_markup_kept_as_text(tmp_path, good_rows):
    a = _write(tmp_path / "a.csv", good_rows[:3])
    b = _write(tmp_path / "b.csv", good_rows[:1])
    assert "b.csv row 2, column record_id" in _fails(tmp_path, a, b)
    rows = [list(r) for r in good_rows[:50]]
    rows[0][2] = "<script>alert(1)</script>"
    ok = _write(tmp_path / "markup.csv", rows)
    call_command(
        "link_file",
        "--input",
        str(ok),
        "--output-dir",
        str(tmp_path / "m"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert (tmp_path / "m" / "clusters.csv").exists()


def test_missing_file_and_empty_id(tmp_path, good_rows):
    rows = [list(r) for r in good_rows[:3]]
    rows[0][0] = ""
    bad = _write(tmp_path / "noid.csv", rows)
    errors = _fails(tmp_path, bad, tmp_path / "nope.csv")
    assert "noid.csv row 2, column record_id: is empty" in errors
    assert "nope.csv row 0: no such file" in errors
