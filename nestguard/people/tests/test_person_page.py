"""The person page: who may see a person, their roles only with the cases one may see, and
the "also known to" panel that names agencies the viewer may know of and their contacts
but never what they hold (decision 0079)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.people.models import Alias
from nestguard.people.selectors import age_now
from nestguard.people.tests.builders import make_case, make_referral
from nestguard.referrals.models import ReferralStatus
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    """Jay is a victim in the hub's case (police on its team) and a suspected exploiter in a
    case the outsider's housing association leads alone."""
    jay = PersonFactory(
        given_name="Jay",
        family_name="Okafor",
        date_of_birth=dt.date(2009, 3, 12),
        description="Seen with new phones; goes missing on school days",
    )
    Alias.objects.create(person=jay, name="J-Man")
    hub_case = make_case(
        lead_agency=personas.hub,
        subjects=[(jay, "victim"), (jay, "person_at_risk")],
        team_agencies=[personas.police],
    )
    hidden_case = make_case(
        lead_agency=personas.outsider_agency, subjects=[(jay, "suspected_exploiter")]
    )
    return {"jay": jay, "hub_case": hub_case, "hidden_case": hidden_case}


def url(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("people:detail", args=[person.pk])


def test_owner_sees_the_person_with_roles_in_visible_cases_only(personas, client_for, world):  # type: ignore[no-untyped-def]
    response = client_for("owner").get(url(world["jay"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Jay Okafor</h1>' in page
    assert "J-Man" in page
    assert "12 March 2009" in page
    assert "Seen with new phones" in page
    assert world["hub_case"].reference in page
    assert "Victim" in page and "Person at risk" in page
    # The outsider's case: neither its reference nor the role it gives Jay.
    assert world["hidden_case"].reference not in page
    assert "Suspected exploiter" not in page
    profile = response.context["profile"]
    assert [link.case for link in profile.cases] == [world["hub_case"]]
    assert profile.cases[0].roles == ["victim", "person_at_risk"]


def test_also_known_to_names_agencies_the_viewer_may_know_of_and_contacts(  # type: ignore[no-untyped-def]
    personas, client_for, world
):
    police = personas.police
    police.contact_name = "Exploitation desk duty officer"
    police.contact_phone = "01632 960123"
    police.contact_email = "duty@police.example"
    police.save()
    outsider_agency = personas.outsider_agency
    outsider_agency.contact_email = "duty@elsewhere.example"
    outsider_agency.save()
    response = client_for("owner").get(url(world["jay"]))
    page = response.content.decode()
    known = {item.agency.name: item for item in response.context["profile"].known_to}
    assert set(known) == {personas.hub.name, police.name}
    assert "Exploitation desk duty officer" in page
    assert "01632 960123" in page
    assert "duty@police.example" in page
    # The housing association's hidden case: not even that it knows Jay (decision 0079).
    assert outsider_agency.name not in page and "duty@elsewhere.example" not in page
    assert "Other partners may hold information about this person." in page
    # What the viewer may see is attached; what they may not is not.
    assert known[personas.hub.name].cases == [world["hub_case"]]
    assert known[personas.police.name].cases == [world["hub_case"]]
    assert world["hidden_case"].reference not in page


def test_partner_on_the_team_sees_the_case_and_outsider_sees_own_case_only(  # type: ignore[no-untyped-def]
    personas, client_for, world
):
    partner = client_for("partner").get(url(world["jay"]))
    assert partner.status_code == 200
    assert world["hub_case"].reference in partner.content.decode()

    outsider = client_for("outsider").get(url(world["jay"]))
    assert outsider.status_code == 200
    page = outsider.content.decode()
    assert world["hidden_case"].reference in page
    assert "Suspected exploiter" in page
    assert world["hub_case"].reference not in page
    assert "Victim" not in page
    # The housing association shares no agreement with the hub or the police: that they
    # know Jay is not the outsider's to learn (decision 0079).
    known = {item.agency.name: item for item in outsider.context["profile"].known_to}
    assert set(known) == {personas.outsider_agency.name}
    assert personas.police.name not in page  # the hub is named only as whom to ask


@pytest.mark.parametrize("name", ["referrer", "auditor", "admin"])
def test_who_may_not_see_the_person_gets_404(client_for, world, name):  # type: ignore[no-untyped-def]
    assert client_for(name).get(url(world["jay"])).status_code == 404


def test_a_person_on_no_case_or_referral_is_404_like_a_missing_one(client_for, personas):  # type: ignore[no-untyped-def]
    stranger = PersonFactory()
    client = client_for("owner")
    assert client.get(url(stranger)).status_code == 404
    missing = client.get(reverse("people:detail", args=[uuid.uuid4()]))
    assert missing.status_code == 404
    assert not AuditEvent.objects.filter(action="person.view").exists()


def test_partner_loses_sight_without_the_team_or_agreement(personas, client_for):  # type: ignore[no-untyped-def]
    person = PersonFactory()
    make_case(lead_agency=personas.hub, subjects=[(person, "victim")])  # police not on team
    assert client_for("partner").get(url(person)).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):  # type: ignore[no-untyped-def]
    response = Client().get(url(world["jay"]))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


def test_triage_referral_shows_the_person_to_the_triage_team(personas, client_for):  # type: ignore[no-untyped-def]
    kid = PersonFactory(given_name="Tee", family_name="Unknown-Surname")
    referral = make_referral(
        referrer=personas.referrer,
        subjects=[(kid, "person_at_risk")],
        triage_agencies=[personas.hub],
    )
    response = client_for("supervisor").get(url(kid))
    assert response.status_code == 200
    page = response.content.decode()
    assert referral.reference in page
    assert "No case you can see names this person." in page
    known = response.context["profile"].known_to
    assert [(k.agency, k.referrals) for k in known] == [(personas.hub, [referral])]
    # The referrer sees only their referral's status, never the person page.
    assert client_for("referrer").get(url(kid)).status_code == 404


def test_draft_referrals_make_no_one_known(personas, client_for):  # type: ignore[no-untyped-def]
    person = PersonFactory()
    make_case(lead_agency=personas.hub, subjects=[(person, "associate")])
    make_referral(
        referrer=personas.referrer,
        subjects=[(person, "associate")],
        triage_agencies=[personas.outsider_agency],
        status=ReferralStatus.DRAFT,
    )
    response = client_for("owner").get(url(person))
    assert [k.agency for k in response.context["profile"].known_to] == [personas.hub]


def test_view_is_audited_with_purpose(personas, client_for, world):  # type: ignore[no-untyped-def]
    client_for("owner").get(url(world["jay"]))
    event = AuditEvent.objects.get(action="person.view")
    assert event.actor == personas.owner
    assert event.object_type == "person"
    assert event.object_id == str(world["jay"].pk)
    assert event.object_label == "Jay Okafor"
    assert event.purpose == "case_work"  # written by the door, not the view


def test_text_is_shown_escaped(personas, client_for):  # type: ignore[no-untyped-def]
    person = PersonFactory(
        given_name="<script>alert(1)</script>", description="<b>bold</b>\nsecond line"
    )
    Alias.objects.create(person=person, name="<img src=x onerror=alert(2)>")
    make_case(lead_agency=personas.hub, subjects=[(person, "victim")])
    page = client_for("owner").get(url(person)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;<br>second line" in page


def test_unknown_identity_and_estimated_age(personas, client_for):  # type: ignore[no-untyped-def]
    recorded = timezone.now() - dt.timedelta(days=800)
    person = PersonFactory(
        given_name="",
        family_name="",
        identity_unknown=True,
        age_estimate=15,
        created_at=recorded,
        description="Young lad called T, red moped",
    )
    make_case(lead_agency=personas.hub, subjects=[(person, "person_at_risk")])
    page = client_for("owner").get(url(person)).content.decode()
    assert "Unknown person" in page
    assert "Identity not known" in page
    assert "About 17 (estimated as 15 on" in page
    assert "Child" in page


def test_age_now_from_birth_and_from_estimate() -> None:
    born = PersonFactory.build(date_of_birth=dt.date(2000, 6, 15))
    assert age_now(born, dt.date(2020, 6, 14)).years == 19
    assert age_now(born, dt.date(2020, 6, 15)).years == 20
    estimated = PersonFactory.build(
        age_estimate=30, created_at=dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
    )
    now = age_now(estimated, dt.date(2023, 6, 1))
    assert (now.years, now.estimated, now.estimate) == (33, True, 30)
    assert age_now(PersonFactory.build(), dt.date(2023, 6, 1)).years is None


@pytest.mark.parametrize("count", [2, 20])
def test_queries_do_not_grow_with_cases(  # type: ignore[no-untyped-def]
    personas, client_for, django_assert_max_num_queries, count
):
    person = PersonFactory()
    Alias.objects.create(person=person, name="Alias one")
    Alias.objects.create(person=person, name="Alias two")
    extra_agencies = [AgencyFactory() for _ in range(3)]
    for i in range(count):
        make_case(
            lead_agency=personas.hub if i % 2 else personas.outsider_agency,
            subjects=[(person, "victim"), (person, "suspected_exploiter")],
            team_agencies=[personas.police, extra_agencies[i % 3]],
        )
        make_referral(
            referrer=personas.referrer,
            subjects=[(person, "person_at_risk")],
            triage_agencies=[personas.hub, extra_agencies[i % 3]],
        )
    client = client_for("owner")
    client.get(url(person))  # warm the session
    # The same bound for few and many rows (PostgreSQL adds one: the audit chain's lock;
    # "also known to" two: the viewer's agreement partners and whom to ask at the hub; the
    # missing episodes section one, decision 0115; placements and education, decision 0110).
    with django_assert_max_num_queries(26):
        response = client.get(url(person))
    assert response.status_code == 200
    assert len(response.context["profile"].cases) == count // 2
    assert len(response.context["profile"].referrals) == count
