"""Placements, education and transitions (decision 0110): recorded through services that
audit, refused with nothing written on bad input, seen only by those who see a case naming
the child, the transition alert from 17 years and 6 months on the due view and in
notifications until a plan is recorded, and the MACEMM agenda sources within a panel's scope.
Every date is computed from the clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.services import sharing_agreement_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import Case, CaseSubject
from nestguard.childhood import agenda, policy
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.childhood.selectors import transitions
from nestguard.childhood.services.records import (
    education_end,
    education_record,
    placement_end,
    placement_record,
)
from nestguard.childhood.services.transitions import transition_record
from nestguard.core.agenda import AgendaScope
from nestguard.core.calendar import UK
from nestguard.core.clocks import due_items
from nestguard.notifications.sources import Staff, transitions_due
from nestguard.people.models import Person
from nestguard.people.tests.builders import make_case
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _child(age_months: int = 14 * 12, **kw: Any) -> Person:
    return PersonFactory(date_of_birth=policy.add_months(_today(), -age_months), **kw)


@pytest.fixture
def scene(personas: Personas) -> dict[str, Any]:
    """A child on the hub's open case, the police and the ended youth justice service on its
    team; an adult social care service sharing an agreement with the hub."""
    child = _child(given_name="Jordan", family_name="Brook")
    case = make_case(
        lead_agency=personas.hub,
        subjects=[(child, "victim")],
        team_agencies=[personas.police, personas.youth_justice],
        opened_at=timezone.now() - dt.timedelta(days=30),
    )
    asc = AgencyFactory(name="Northbrook Adult Social Care", type="adult_social_care")
    sharing_agreement_create(
        actor=None,
        name="Adults agreement",
        parties=[personas.hub, asc],
        purposes="Transitions",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=_today() - dt.timedelta(days=400),
        review_on=_today() + dt.timedelta(days=400),
    )
    adult_worker = UserFactory(username="asc", agency=asc, roles=["caseworker"])
    return {"child": child, "case": case, "asc": asc, "adult_worker": adult_worker}


def _placement(actor: Any, person: Person, **kw: Any) -> Placement:
    values: dict[str, Any] = {
        "placement_type": "unregulated",
        "placing_authority": "Southmoor Borough Council",
        "located_authority": "Northbrook Council",
        "starts_on": _today() - dt.timedelta(days=20),
        **kw,
    }
    return placement_record(actor, person=person, **values)


# -------------------------------------------------------------------------------------------
# Recording


def test_a_placement_out_of_borough_is_derived_from_the_two_authorities(personas, scene):
    owner, child = personas.owner, scene["child"]
    away = _placement(owner, child)
    assert away.out_of_borough is True
    home = _placement(owner, child, placing_authority="northbrook  council", out_of_borough=True)
    assert home.out_of_borough is False  # derived wins over what was recorded
    assert home.recorded_out_of_borough is None
    unknown = _placement(owner, child, located_authority="", out_of_borough=True)
    assert unknown.out_of_borough is True
    events = AuditEvent.objects.filter(action="childhood.placement_record")
    assert events.count() == 3
    assert events.filter(actor=owner, object_id=str(away.pk)).exists()


def test_a_partner_on_the_case_records_and_ends_under_the_agreement(personas, scene):
    record = education_record(
        personas.partner,
        person=scene["child"],
        status="part_time",
        provider="Northbrook Academy",
        starts_on=_today() - dt.timedelta(days=10),
    )
    assert record.recording_agency == personas.police
    education_end(personas.partner, record=record, ends_on=_today())
    record.refresh_from_db()
    assert record.ends_on == _today()
    assert AuditEvent.objects.filter(action="childhood.education_end").count() == 1
    with pytest.raises(ValidationError) as refused:
        education_end(personas.partner, record=record, ends_on=_today())
    assert "already ended" in str(refused.value)


@pytest.mark.parametrize("who", ["outsider", "ended_partner", "referrer", "auditor"])
def test_only_those_who_see_a_case_about_the_child_record(personas, scene, who):
    with pytest.raises(PermissionDenied):
        _placement(getattr(personas, who), scene["child"])
    placement = _placement(personas.owner, scene["child"])
    with pytest.raises(PermissionDenied):
        placement_end(getattr(personas, who), placement=placement, ends_on=_today())
    assert Placement.objects.get().ends_on is None


def test_bad_input_is_refused_with_every_message_and_nothing_written(personas, scene):
    adult = PersonFactory(date_of_birth=policy.add_months(_today(), -30 * 12))
    CaseSubject.objects.create(case=scene["case"], person=adult, role="victim")
    with pytest.raises(ValidationError) as refused:
        placement_record(
            personas.owner,
            person=scene["child"],
            placement_type="castle",
            placing_authority="",
            located_authority="x" * 201,
            starts_on=_today() + dt.timedelta(days=1),
            ends_on=_today() - dt.timedelta(days=1),
        )
    errors = refused.value.message_dict
    assert set(errors) == {
        "placement_type",
        "placing_authority",
        "located_authority",
        "starts_on",
        "ends_on",
    }
    with pytest.raises(ValidationError) as refused:
        education_record(
            personas.owner,
            person=scene["child"],
            status="neet",
            starts_on=_today() - dt.timedelta(days=2),
            ends_on=_today() - dt.timedelta(days=3),
        )
    assert set(refused.value.message_dict) == {"ends_on"}
    with pytest.raises(ValidationError) as refused:
        education_record(personas.owner, person=adult, status="neet", starts_on=_today())
    assert "18 or over" in refused.value.message_dict["starts_on"][0]
    assert not Placement.objects.exists() and not EducationStatus.objects.exists()


def test_the_page_shows_a_govuk_error_summary_and_writes_nothing(personas, scene, client):
    sign_in(client, personas.owner)
    url = reverse("childhood:placement_new", args=[scene["child"].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "placing_authority": "",
            "starts_on_day": "31",
            "starts_on_month": "2",
            "starts_on_year": "2020",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose the placement type" in body
    assert "Start date must be a real date" in body
    assert not Placement.objects.exists()
    start = _today() - dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "placement_type": "foster_care",
            "placing_authority": "Westholm Council",
            "out_of_borough": "yes",
            "starts_on_day": start.day,
            "starts_on_month": start.month,
            "starts_on_year": start.year,
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.out_of_borough is True and placement.starts_on == start


# -------------------------------------------------------------------------------------------
# Who sees them


def test_the_person_page_shows_them_only_to_those_who_see_a_case_about_the_child(personas, scene):
    placement = _placement(personas.owner, scene["child"])
    url = reverse("people:detail", args=[scene["child"].pk])
    for who in ("owner", "supervisor", "partner"):
        body = sign_in(Client(), getattr(personas, who)).get(url).content.decode()
        assert "Unregulated accommodation" in body, who
        assert "Southmoor Borough Council" in body, who
    for who in ("outsider", "ended_partner", "referrer", "auditor"):
        client = sign_in(Client(), getattr(personas, who))
        assert client.get(url).status_code == 404, who
        end = reverse("childhood:placement_end", args=[placement.pk])
        assert client.get(end).status_code in (403, 404), who
    case_page = reverse("cases:detail", args=[scene["case"].pk])
    body = sign_in(Client(), personas.partner).get(case_page).content.decode()
    assert "Unregulated accommodation" in body


def test_a_caseworker_who_sees_the_child_only_in_triage_learns_nothing(personas, scene):
    """The hub triages referrals: a child named only on a referral in its queue is on the
    person page, without the placements section (whose records follow cases)."""
    from nestguard.childhood.selectors import person_section

    other = _child(given_name="Sam")
    _placement(personas.owner, scene["child"])
    Placement.objects.update(person=other)  # the placement now belongs to a child on no case
    assert person_section(personas.owner, other) == {"shown": False}


# -------------------------------------------------------------------------------------------
# Transitions


def _born(months: int, on: dt.date) -> dt.date:
    """The latest date of birth of someone `months` months old on `on` (on the 31st, nobody
    becomes 210 months old: those born on the 31st of a shorter month do so on the 1st)."""
    born = policy.add_months(on, -months)
    while policy.add_months(born, months) > on:
        born -= dt.timedelta(days=1)
    return born


def _turning(scene: dict[str, Any], months: int, *, later: bool = False) -> Person:
    """A person on the scene's case who is `months` months old today at the latest (or, with
    `later`, the next to become so, after today)."""
    born = _born(months, _today()) + dt.timedelta(days=1 if later else 0)
    person = PersonFactory(given_name="Alex", family_name="Turner", date_of_birth=born)
    CaseSubject.objects.create(case=scene["case"], person=person, role="person_at_risk")
    return person


def _titles(user: Any) -> list[str]:
    return [item.title for item in due_items(user) if item.source == "transition"]


@pytest.mark.every_instant
def test_the_alert_opens_at_seventeen_and_a_half_for_the_lead_when_no_adult_service(
    personas, scene
):
    today_half = _turning(scene, 210)  # 17 years and 6 months today (or just before)
    tomorrow_half = _turning(scene, 210, later=True)  # the next day it can be
    titles = _titles(personas.owner)
    assert len(titles) == 1
    assert "name the adult service" in titles[0]
    adult_on = policy.adult_on(today_half.date_of_birth)
    assert f"{adult_on:%-d %B %Y}" in titles[0]
    assert _titles(personas.partner) == []  # the police are neither lead nor adult service
    assert _titles(scene["adult_worker"]) == []  # not on the case
    assert tomorrow_half.pk not in {t.person.pk for t in _due(scene)}


def _due(scene: dict[str, Any]) -> list[Any]:
    return transitions(Case.objects.filter(pk=scene["case"].pk), _today())


@pytest.mark.every_instant
def test_the_adult_service_on_the_case_is_told_and_answers_with_a_plan(personas, scene):
    from nestguard.cases.services.work import case_team_add_agency

    person = _turning(scene, 212)
    case_team_add_agency(actor=personas.owner, case=scene["case"], agency=scene["asc"])
    worker = scene["adult_worker"]
    assert (
        len(_titles(worker)) == 1
        and "transition to Northbrook Adult Social Care" in (_titles(worker)[0])
    )
    url = reverse("childhood:transition", args=[scene["case"].pk, person.pk])
    client = sign_in(Client(), worker)
    response = client.post(url, {"plan": "", "adult_agency": ""})
    assert "govuk-error-summary" in response.content.decode()
    assert not TransitionPlan.objects.exists()
    assert sign_in(Client(), personas.partner).get(url).status_code == 403
    assert sign_in(Client(), personas.outsider).get(url).status_code == 404
    response = client.post(
        url, {"plan": "Care Act assessment booked", "adult_agency": str(scene["asc"].pk)}
    )
    assert response.status_code == 302
    plan = TransitionPlan.objects.get()
    assert plan.adult_agency == scene["asc"] and plan.recording_agency == scene["asc"]
    assert _titles(worker) == []
    assert client.get(url).status_code == 404  # answered: no alert
    with pytest.raises(PermissionDenied):
        transition_record(worker, case=scene["case"], person=person, plan="Again")


@pytest.mark.every_instant
def test_an_adult_when_the_case_opened_never_has_a_transition(personas, scene):
    person = _turning(scene, 215)
    assert person.pk in {t.person.pk for t in _due(scene)}
    # Opened on the UK day they turned 18 (the product never moves a case's opening: the
    # link's days are worked out again as a migration would, decision 0123).
    Case.objects.filter(pk=scene["case"].pk).update(
        opened_at=dt.datetime.combine(policy.adult_on(person.date_of_birth), dt.time(12), tzinfo=UK)
    )
    CaseSubject.objects.filter(case=scene["case"]).keep_transition_dates()
    assert person.pk not in {t.person.pk for t in _due(scene)}
    birthday = dt.datetime.combine(policy.adult_on(person.date_of_birth), dt.time(0, 30), tzinfo=UK)
    adult_case = make_case(
        lead_agency=scene["case"].lead_agency, subjects=[(person, "victim")], opened_at=birthday
    )
    assert not transitions(Case.objects.filter(pk=adult_case.pk), _today())


@pytest.mark.every_instant
def test_the_notification_goes_out_on_the_day_it_opens(personas, scene):
    person = _turning(scene, 210)
    assert person.date_of_birth is not None
    now = timezone.now()
    start = dt.datetime.combine(policy.alert_opens_on(person.date_of_birth), dt.time.min, tzinfo=UK)
    assert start <= now
    found = list(transitions_due(now, start - dt.timedelta(seconds=1), Staff()))
    assert [e.object_id for e in found] == [f"{scene['case'].reference}:{person.pk}"]
    assert found[0].at == start
    assert personas.owner.pk in found[0].to and personas.partner.pk not in found[0].to
    assert len(found[0].object_id) <= 64
    assert list(transitions_due(now, start, Staff())) == []  # told already


# -------------------------------------------------------------------------------------------
# MACEMM agenda sources


def _scope(*cases: Case) -> AgendaScope:
    ids = Case.objects.filter(pk__in=[c.pk for c in cases]).values("pk")
    return AgendaScope(
        case_ids=ids, person_ids=CaseSubject.objects.filter(case__in=ids).values("person_id")
    )


@pytest.mark.every_instant
def test_agenda_sources_propose_children_within_the_panels_scope(personas, scene):
    elsewhere = _child(given_name="Other")
    other_case = make_case(lead_agency=personas.outsider_agency, subjects=[(elsewhere, "victim")])
    _placement(personas.owner, scene["child"])
    _placement(personas.outsider, elsewhere)
    education_record(personas.owner, person=scene["child"], status="neet", starts_on=_today())
    education_record(
        personas.owner,
        person=scene["child"],
        status="mainstream",
        starts_on=_today() - dt.timedelta(days=400),
        ends_on=_today() - dt.timedelta(days=300),
    )
    turning = _turning(scene, 205)  # 18 in 11 months: outside six
    soon = _turning(scene, 211)
    scope = _scope(scene["case"])
    today = _today()
    placed = list(agenda.children_placed_away(as_of=today, params={}, scope=scope))
    assert [c.person_id for c in placed] == [scene["child"].pk]
    schooled = list(agenda.children_out_of_school(as_of=today, params={}, scope=scope))
    assert [c.person_id for c in schooled] == [scene["child"].pk]
    due = list(agenda.transitions_due(as_of=today, params={"within_months": 6}, scope=scope))
    assert [c.person_id for c in due] == [soon.pk]
    wide = agenda.transitions_due(as_of=today, params={"within_months": 12}, scope=scope)
    assert {c.person_id for c in wide} == {soon.pk, turning.pk}
    assert list(agenda.children_placed_away(as_of=today, params={}, scope=_scope(other_case)))
    with pytest.raises(ValueError):
        list(agenda.transitions_due(as_of=today, params={"within_months": "6"}, scope=scope))


def test_a_restriction_of_processing_refuses_new_placements_and_their_end(personas, scene):
    from nestguard.access.restricted_writes import ProcessingRestricted
    from nestguard.rights.services import processing_restriction_lift, processing_restriction_place

    owner, child = personas.owner, scene["child"]
    away = _placement(owner, child)
    dpo = UserFactory(username="dpo", agency=personas.hub, roles=["data_protection_officer"])
    restriction = processing_restriction_place(
        actor=dpo, person=child, grounds="accuracy_contested", reason="Disputed"
    )
    with pytest.raises(ProcessingRestricted):
        _placement(owner, child)
    with pytest.raises(ProcessingRestricted):
        placement_end(owner, placement=away, ends_on=_today())
    assert Placement.objects.filter(person=child).count() == 1
    processing_restriction_lift(actor=dpo, restriction=restriction, reason="Resolved")
    assert _placement(owner, child).person == child
