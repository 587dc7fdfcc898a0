"""The record of processing is generated from the system: it fails loudly when the code has a
record class or a purpose the data file does not describe, and it follows the agreements."""

from __future__ import annotations

import datetime as dt

import pytest

from nestguard.access import door
from nestguard.accounts.services import sharing_agreement_create
from nestguard.privacy import retention
from nestguard.privacy.ropa import holdings, impact_assessment, record_of_processing, ropa_data

from .conftest import Officers


def test_every_registered_model_is_described() -> None:
    """A new model registered with the door must say what data it holds, about whom."""
    described = set(ropa_data()["models"])
    registered = {m._meta.label for m in door.registered_models()}
    assert registered - described == set(), "add these to privacy/data/ropa.json"
    assert described - registered == set(), "these no longer exist: remove them"


def test_every_purpose_is_described() -> None:
    described = set(ropa_data()["purposes"])
    assert set(door.purposes().values) == described


def test_descriptions_use_known_codes() -> None:
    from nestguard.accounts.models import lawful_bases

    for code, entry in ropa_data()["purposes"].items():
        assert entry["lawful_bases"], code
        assert all(b in lawful_bases() for b in entry["lawful_bases"]), code
        assert entry["recipients"], code
    for label, entry in ropa_data()["models"].items():
        assert all(p in door.purposes() for p in entry["purposes"]), label
        assert entry["data"], label
        # Personal data is about someone; a class without personal data names no one.
        assert bool(entry["subjects"]) == bool(entry["personal"]), label


@pytest.mark.django_db
def test_a_model_missing_from_the_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ropa_data()
    models = dict(data["models"])
    del models["cases.Case"]
    monkeypatch.setitem(data, "models", models)
    with pytest.raises(LookupError, match=r"cases\.Case"):
        holdings()


@pytest.mark.django_db
def test_scoped_purposes_come_from_the_policies() -> None:
    """The file does not list `reporting` for cases; the policy's reporting scope does."""
    case = next(h for h in holdings() if h.label == "cases.Case")
    assert "reporting" not in ropa_data()["models"]["cases.Case"]["purposes"]
    assert "reporting" in case.purposes


@pytest.mark.django_db
def test_the_record_follows_the_agreements(officers: Officers) -> None:
    record = record_of_processing(officers.hub)
    by_code = {a.code: a for a in record.activities}
    # The personas' agreement in force is on safeguarding: it covers case work (shared);
    # the ended youth justice agreement covers nothing.
    assert by_code["case_work"].agreements == (
        "Northbrook exploitation information sharing agreement",
    )
    assert by_code["prevention"].agreements == ()  # not shared
    assert "Northbrook youth justice agreement" not in by_code["panel"].agreements
    ended = next(a for a in record.agreements if a.name == "Northbrook youth justice agreement")
    assert not ended.in_force
    # A new agreement on the crime and disorder basis now covers enforcement.
    assert by_code["enforcement"].agreements == ()
    sharing_agreement_create(
        actor=None,
        name="Northbrook closures protocol",
        parties=[officers.personas.hub, officers.personas.police],
        purposes="Closing premises used for exploitation",
        lawful_basis="crime_disorder_s115",
        starts_on=dt.date(2026, 1, 1),
        review_on=dt.date(2027, 1, 1),
    )
    again = {a.code: a for a in record_of_processing(officers.hub).activities}
    assert again["enforcement"].agreements == ("Northbrook closures protocol",)


@pytest.mark.django_db
def test_an_activity_gathers_its_record_classes(officers: Officers) -> None:
    by_code = {a.code: a for a in record_of_processing(officers.hub).activities}
    case_work = by_code["case_work"]
    assert "People at risk of exploitation (adults and children)" in case_work.subjects
    assert case_work.special
    assert not by_code["admin"].special
    assert "rights.SubjectAccessRequest" in {h.label for h in by_code["subject_access"].holdings}


@pytest.mark.django_db
def test_retention_comes_from_the_schedule_as_last_edited() -> None:
    from nestguard.retention.models import RetentionRule

    case = next(h for h in holdings() if h.label == "cases.Case")
    closed = RetentionRule.objects.get(code="closed_case")
    assert f"{closed.label}: 6 years from" in case.retention
    RetentionRule.objects.filter(code="closed_case").update(period_months=90)
    case = next(h for h in holdings() if h.label == "cases.Case")
    assert f"{closed.label}: 90 months from" in case.retention
    missing = next(h for h in holdings() if h.label == "pathways.MissingEpisode")
    assert "until the 25th birthday" in missing.retention
    term = next(h for h in holdings() if h.label == "lexicon.Term")
    assert term.retention == retention.NOT_KNOWN_HERE


def test_every_class_named_for_retention_is_registered_and_every_rule_exists() -> None:
    from nestguard.retention.services.schedule import schedule_data

    registered = {m._meta.label for m in door.registered_models()}
    codes = {rule["code"] for rule in schedule_data()["rules"]}
    for label, rules in retention.rule_codes().items():
        assert label in registered, label
        assert set(rules) <= codes, label


@pytest.mark.django_db
def test_someone_else_reads_no_agreements(officers: Officers) -> None:
    """The door's data_protection scope: only data protection officers."""
    caseworker = officers.personas.owner
    assert record_of_processing(caseworker).agreements == ()
    assert len(record_of_processing(officers.police).agreements) == 2


@pytest.mark.django_db
def test_the_dpia_is_filled_from_the_record(officers: Officers) -> None:
    assessment = impact_assessment(officers.hub)
    assert assessment.required  # children and vulnerable people, data matching, ...
    assert [a.code for a in assessment.record.activities] == door.purposes().values
