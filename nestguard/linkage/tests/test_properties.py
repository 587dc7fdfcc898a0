"""Properties of intake at its edges: any date text is either a valid (partial) date of
birth or refused with a message; any CSV file is imported whole or not at all."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Personas
from nestguard.linkage.models import ImportBatch, SourceRecord
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from nestguard.linkage.services.records import parse_partial_date
from tests.factories import UserFactory

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@given(
    st.text(max_size=14)
    | st.dates().map(date.isoformat)
    | st.dates().map(lambda d: d.strftime("%d/%m/%Y"))
)
def test_a_date_of_birth_is_a_real_past_date_or_refused(text: str) -> None:
    today = date(2026, 11, 26)
    try:
        value = parse_partial_date(text, today=today)
    except ValidationError as exc:
        assert exc.messages and exc.messages[0].startswith("Date of birth")
        return
    if not text.strip():
        assert value == ""
        return
    assert ISO.match(value), value
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        assert date(*parts) <= today
    assert 1900 <= parts[0] <= today.year


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=6))
def test_a_file_is_imported_whole_or_not_at_all(personas: Personas, rows) -> None:  # type: ignore[no-untyped-def]
    officer = UserFactory(username="prop.officer", agency=personas.hub, roles=["linkage_reviewer"])
    before = SourceRecord.objects.count(), ImportBatch.objects.count()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record_id", "given_name", "date_of_birth"])
    writer.writerows(rows)
    try:
        result = source_records_import(actor=officer, system="Prop", data=out.getvalue().encode())
    except ImportRejected as exc:
        assert exc.row_errors
        assert (SourceRecord.objects.count(), ImportBatch.objects.count()) == before
        return
    written = [r for r in rows if any(c.strip() for c in r)]
    assert result.created + result.already_held == len(written)
    assert SourceRecord.objects.filter(batch=result.batch).count() == result.created
