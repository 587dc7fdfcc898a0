"""The person and address pages over rows made by the real referral and case services: a
teacher refers, the hub triages and accepts, and each persona sees what they may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nestguard.people.tests.builders import referral_accepted, referral_submitted
from nestguard.referrals.models import ReferralSubject

pytestmark = pytest.mark.django_db


def test_referral_then_case_on_the_person_and_address_pages(personas, client_for):  # type: ignore[no-untyped-def]
    referral = referral_submitted(
        referrer=personas.referrer,
        people=[
            {
                "role": "person_at_risk",
                "given_name": "Jay",
                "family_name": "Okafor",
                "aliases": ["J-Man"],
                "age_estimate": 15,
            },
            {
                "role": "suspected_exploiter",
                "identity_unknown": True,
                "description": "Older man with a red moped",
            },
        ],
    )
    jay = ReferralSubject.objects.get(referral=referral, given_name="Jay").person
    assert jay is not None and referral.address is not None
    person_url = reverse("people:detail", args=[jay.pk])
    address_url = reverse("places:detail", args=[referral.address.pk])

    # Awaiting triage: the hub's triage team sees Jay and the address through the referral.
    owner = client_for("owner")
    page = owner.get(person_url).content.decode()
    assert referral.reference in page and "J-Man" in page
    assert owner.get(address_url).status_code == 200
    for name in ("referrer", "partner", "outsider", "auditor", "admin"):
        assert client_for(name).get(person_url).status_code == 404, name
        assert client_for(name).get(address_url).status_code == 404, name

    # Accepted: a case led by the hub, Jay a person at risk in it.
    case = referral_accepted(actor=personas.owner, referral=referral)
    response = owner.get(person_url)
    links = response.context["profile"].cases
    assert [(link.case, link.roles) for link in links] == [(case, ["person_at_risk"])]
    assert [k.agency for k in response.context["profile"].known_to] == [personas.hub]
    address = owner.get(address_url)
    assert [link.case for link in address.context["profile"].cases] == [case]
    names = {link.person.display_name for link in address.context["profile"].people}
    assert names == {"Jay Okafor", "Unknown person"}
    # The referrer still sees only their referral's status, never these pages.
    assert client_for("referrer").get(person_url).status_code == 404


def test_case_services_team_and_second_role(personas, client_for):  # type: ignore[no-untyped-def]
    """The case services: police join the team (so the partner sees Jay) and Jay is also
    named as a suspected exploiter in the same case; both roles show with the case."""
    from nestguard.cases.services import work

    referral = referral_submitted(
        referrer=personas.referrer,
        people=[
            {"role": "victim", "given_name": "Jay", "family_name": "Okafor", "age_estimate": 17}
        ],
    )
    jay = ReferralSubject.objects.get(referral=referral).person
    assert jay is not None
    case = referral_accepted(actor=personas.owner, referral=referral)
    person_url = reverse("people:detail", args=[jay.pk])
    assert client_for("partner").get(person_url).status_code == 404

    work.case_team_add_agency(actor=personas.owner, case=case, agency=personas.police)
    work.case_subject_add(actor=personas.owner, case=case, person=jay, role="suspected_exploiter")

    response = client_for("partner").get(person_url)
    assert response.status_code == 200
    [link] = response.context["profile"].cases
    assert (link.case, link.roles) == (case, ["victim", "suspected_exploiter"])
    page = response.content.decode()
    assert "Victim" in page and "Suspected exploiter" in page
    known = {k.agency: k.cases for k in response.context["profile"].known_to}
    assert known == {personas.hub: [case], personas.police: [case]}
    # The outsider, whose agency has no agreement, still sees nothing.
    assert client_for("outsider").get(person_url).status_code == 404
