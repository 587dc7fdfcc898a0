"""Property: whatever cases and referrals name a person, the person's profile shows each
viewer exactly the cases they may see (with exactly the person's roles in them), and "also
known to" names exactly the agencies that hold something and whose involvement the viewer
may know (decision 0079), attaching only what the viewer may see."""

from __future__ import annotations

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.access.door import load
from nestguard.access.selectors import partner_agency_ids
from nestguard.cases.access_policy import visible_cases
from nestguard.people.models import Person
from nestguard.people.selectors import person_profile
from nestguard.people.tests.builders import make_case, make_referral
from nestguard.referrals.access_policy import visible_referrals
from nestguard.referrals.models import ReferralStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

AGENCIES = ["hub", "police", "outsider_agency", "school", "youth_justice"]
ROLES = ["victim", "person_at_risk", "suspected_exploiter", "associate"]

case_specs = st.lists(
    st.fixed_dictionaries(
        {
            "lead": st.sampled_from(AGENCIES),
            "team": st.sets(st.sampled_from(AGENCIES), max_size=2),
            "roles": st.sets(st.sampled_from(ROLES), min_size=1, max_size=2),
        }
    ),
    max_size=4,
)
referral_specs = st.lists(
    st.fixed_dictionaries(
        {
            "triage": st.sets(st.sampled_from(AGENCIES), max_size=2),
            "role": st.sampled_from(ROLES),
            "draft": st.booleans(),
        }
    ),
    max_size=3,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cases=case_specs,
    referrals=referral_specs,
    viewer=st.sampled_from(["owner", "partner", "outsider", "ended_partner"]),
)
def test_profile_shows_exactly_what_the_viewer_may_see(personas, cases, referrals, viewer):  # type: ignore[no-untyped-def]
    agency = {name: getattr(personas, name) for name in AGENCIES}
    user = personas.all()[viewer]
    person = PersonFactory()
    made_cases = []
    holders = set()
    for spec in cases:
        team = [agency[a] for a in spec["team"] if a != spec["lead"]]
        case = make_case(
            lead_agency=agency[spec["lead"]],
            subjects=[(person, role) for role in spec["roles"]],
            team_agencies=team,
        )
        made_cases.append((case, spec["roles"]))
        holders |= {agency[spec["lead"]].pk, *(a.pk for a in team)}
    for spec in referrals:
        routed = [agency[a] for a in spec["triage"]]
        make_referral(
            referrer=personas.referrer,
            subjects=[(person, spec["role"])],
            triage_agencies=routed,
            status=ReferralStatus.DRAFT if spec["draft"] else ReferralStatus.SUBMITTED,
        )
        if not spec["draft"]:
            holders |= {a.pk for a in routed}

    visible = set(visible_cases(user).values_list("pk", flat=True))
    may_see_person = any(case.pk in visible for case, _ in made_cases) or (
        visible_referrals(user).filter(subjects__person=person).exists()
    )
    if not may_see_person:
        with pytest.raises(Http404):
            load(user, Person, person.pk, purpose="case_work")
        return

    profile = person_profile(user, load(user, Person, person.pk, purpose="case_work"))
    expected = {case.pk: set(roles) for case, roles in made_cases if case.pk in visible}
    assert {link.case.pk: set(link.roles) for link in profile.cases} == expected
    # Only the agencies the viewer may know of (decision 0079): the holders of the cases
    # they see, their agency's partners under an active agreement, and their own.
    may_know = {user.agency_id, *partner_agency_ids(user.agency)}
    for case, _ in made_cases:
        if case.pk in visible:
            team = case.team_agencies.values_list("agency_id", flat=True)
            may_know |= {case.lead_agency_id, *team}
    assert {item.agency.pk for item in profile.known_to} == holders & may_know
    for item in profile.known_to:
        assert {case.pk for case in item.cases} <= visible
        seen = visible_referrals(user).values_list("pk", flat=True)
        assert {referral.pk for referral in item.referrals} <= set(seen)
