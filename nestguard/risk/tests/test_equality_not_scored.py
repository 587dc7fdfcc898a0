"""Point 6 of issue 11 (decision 0091): a person's sex, gender identity and ethnicity never
change a risk score or band. The same answers about people who differ only in those fields
score the same; the static check over the instruments is tests/test_equality_never_scores.py."""

from __future__ import annotations

from datetime import date

import pytest

from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.people import equality
from nestguard.people.services import person_equality_record
from nestguard.risk.loader import get_instrument
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import answers_totalling

pytestmark = pytest.mark.django_db

VARIANTS = [
    {},
    {"sex": "female", "gender_identity": "same", "ethnicity": "white_british"},
    {"sex": "male", "gender_identity": "different", "ethnicity": "black_caribbean"},
    {"sex": "not_known", "gender_identity": "prefer_not_to_say", "ethnicity": "white_roma"},
    {"sex": "female", "ethnicity": "asian_pakistani"},
    {"ethnicity": "prefer_not_to_say"},
]


@pytest.mark.parametrize(
    ("code", "total"), [("cce_child", 20), ("cce_child", 35), ("cuckooing_adult", 25)]
)
def test_people_differing_only_in_equality_fields_score_alike(personas, code, total):  # type: ignore[no-untyped-def]
    instrument = get_instrument(code)
    assert instrument is not None
    answers = answers_totalling(instrument, total)
    born = date(2010, 5, 1) if instrument.applies_to == "child" else date(1970, 5, 1)
    results = set()
    for values in VARIANTS:
        case = make_case(personas.owner)
        person = add_person(personas.owner, case, date_of_birth=born)
        if values:
            person_equality_record(actor=personas.owner, person=person, **values)
        person.refresh_from_db()
        assert all(getattr(person, k) == v for k, v in values.items())
        record = assessment_record(
            actor=personas.owner, case=case, instrument=code, stage="initial",
            answers=answers, person=person,
        )  # fmt: skip
        case.refresh_from_db()
        results.add(
            (record.item_scores.__repr__(), record.overall_score, record.band,
             case.risk_score, case.risk_band)
        )  # fmt: skip
    assert len(results) == 1, results


def test_the_variants_cover_every_code():
    used = {field: {v.get(field) for v in VARIANTS} - {None} for field in equality.EQUALITY_FIELDS}
    assert used["sex"] == set(equality.codes("sex").values)
    assert used["gender_identity"] == set(equality.codes("gender_identity").values)
