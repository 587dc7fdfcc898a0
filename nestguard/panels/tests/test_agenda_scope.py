"""Panels see only what their member agencies may see (docs/decisions/0073).

A panel's agenda draws on a case only when its lead agency is a member (or a member agency
is on its team) and every member agency is the lead agency or shares an active sharing
agreement with it; on a person only as a subject of such a case. An agency joins a panel only
with an active agreement with every agency already on it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.accounts.models import SharingAgreement
from nestguard.accounts.services import sharing_agreement_end
from nestguard.core.calendar import UK
from nestguard.panels.models import AgendaItem, PanelMember
from nestguard.panels.services.meetings import meeting_agenda_build, meeting_schedule
from nestguard.panels.services.panels import panel_create, panel_member_add
from nestguard.panels.tests.conftest import child_case
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def repeat_missing(owner, case) -> None:
    """Three missing episodes in the last week for the case's child: the MACEMM rule's
    threshold (three in 90 days)."""
    child = case.subjects.get().person
    for days_ago in (3, 2, 1):
        day = timezone.localdate() - timedelta(days=days_ago)
        episode = missing_episode_record(
            actor=owner, person=child, case=case, report_type="missing", risk_grade="medium",
            category="missing_from_home", care_status="not_looked_after",
            started_at=datetime.combine(day, time(9), tzinfo=UK),
        )  # fmt: skip
        missing_episode_return(
            actor=owner,
            episode=episode,
            returned_at=datetime.combine(day, time(21), tzinfo=UK),
            found_by="police",
        )


def built_agenda(chair, panel, days_ahead: int = 0) -> list[AgendaItem]:
    meeting = meeting_schedule(
        actor=chair, panel=panel, meets_on=timezone.localdate() + timedelta(days=days_ahead)
    )
    meeting_agenda_build(actor=chair, meeting=meeting)
    return list(AgendaItem.objects.filter(meeting=meeting))


@pytest.fixture
def partnership_cases(personas):
    """A high-risk child case led by the hub whose child has gone missing three times."""
    case = child_case(personas.owner)
    repeat_missing(personas.owner, case)
    return case


def test_a_panel_whose_members_hold_no_agreement_has_an_empty_agenda(
    personas, partnership_cases
) -> None:
    lone_chair = personas.lone_chair
    panel = panel_create(actor=lone_chair, name="Elsewhere panel", meeting_type="macemm")
    assert built_agenda(lone_chair, panel) == []
    # ...while a panel of agencies under the agreement sees both matters.
    chair = UserFactory(username="hubchair", agency=personas.hub, roles=["panel_chair"])
    shared = panel_create(actor=chair, name="Northbrook MACEMM", meeting_type="macemm")
    panel_member_add(actor=chair, panel=shared, agency=personas.police)
    items = built_agenda(chair, shared)
    assert {i.source for i in items} == {"repeat_missing", "new_high_risk_cases"}
    assert {i.case_id for i in items} == {partnership_cases.pk}


def test_every_member_must_be_covered_not_only_the_lead(personas, partnership_cases) -> None:
    """A member with no agreement with the hub (recorded before the rule, so straight in the
    table) keeps the hub's cases off the agenda: it could not be given them itself."""
    chair = UserFactory(username="hubchair", agency=personas.hub, roles=["panel_chair"])
    panel = panel_create(actor=chair, name="Mixed panel", meeting_type="macemm")
    PanelMember.objects.create(panel=panel, agency=personas.outsider_agency)
    assert built_agenda(chair, panel) == []


def test_a_member_without_an_agreement_is_refused(personas, panel_world) -> None:
    with pytest.raises(ValidationError) as refused:
        panel_member_add(
            actor=panel_world.chair, panel=panel_world.panel, agency=personas.outsider_agency
        )
    assert refused.value.message_dict["agency"] == [
        "Elsewhere Housing Association has no active information sharing agreement with "
        "Northbrook Exploitation Hub, Northbrook Police, already on the panel, so it cannot join"
    ]
    assert not PanelMember.objects.filter(agency=personas.outsider_agency).exists()


def test_the_page_shows_why_a_member_was_refused(personas, panel_world) -> None:
    client = sign_in(Client(), panel_world.chair)
    response = client.post(
        f"/panels/{panel_world.panel.pk}/members/add/",
        {"agency": str(personas.outsider_agency.pk)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "has no active information sharing agreement with" in body
    assert not PanelMember.objects.filter(agency=personas.outsider_agency).exists()


def test_cases_drop_out_of_new_agendas_once_the_agreement_ends(personas, panel_world) -> None:
    """The panel_world panel: the hub and the police, under the fixture's agreement."""
    chair = panel_world.chair
    assert AgendaItem.objects.filter(meeting=panel_world.meeting, case=panel_world.case).exists()
    sharing_agreement_end(
        actor=None,
        agreement=SharingAgreement.objects.get(name__startswith="Northbrook exploitation"),
        reason="Police withdrew",
    )
    assert built_agenda(chair, panel_world.panel, days_ahead=30) == []
    # The meeting built before keeps its record (it was lawful then); nothing new is added.
    meeting_agenda_build(actor=chair, meeting=panel_world.meeting)
    assert AgendaItem.objects.filter(meeting=panel_world.meeting).count() == 1


def test_a_case_led_elsewhere_reaches_the_panel_through_a_member_on_its_team(
    personas, partnership_cases
) -> None:
    """The police chair's own panel: the hub's case reaches it once the police are on its
    team, because the police and the hub share an agreement."""
    from nestguard.cases.services.work import case_team_add_agency

    chair = UserFactory(username="policechair", agency=personas.police, roles=["panel_chair"])
    panel = panel_create(actor=chair, name="Police panel", meeting_type="macemm")
    assert built_agenda(chair, panel) == []
    case_team_add_agency(actor=personas.owner, case=partnership_cases, agency=personas.police)
    items = built_agenda(chair, panel, days_ahead=1)
    assert {i.case_id for i in items} == {partnership_cases.pk}
