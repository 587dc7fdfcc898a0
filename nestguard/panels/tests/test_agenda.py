"""Agendas that build themselves: the rules as data, the sources, idempotence, skipped rules,
the chair's own items and order, and people on more than one panel's list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.cases.services.closing import case_close
from nestguard.cases.services.work import case_create, case_subject_add
from nestguard.core.agenda import AgendaScope, agenda_sources
from nestguard.panels import agenda as panel_agenda
from nestguard.panels import selectors
from nestguard.panels.loader import AgendaRule, meeting_types
from nestguard.panels.models import AgendaItem, MeetingStatus
from nestguard.panels.services.meetings import (
    agenda_item_add,
    agenda_item_move,
    collect_candidates,
    meeting_agenda_build,
    meeting_hold,
    meeting_schedule,
    next_meeting_date,
)
from nestguard.panels.services.panels import panel_create
from nestguard.panels.tests.conftest import child_case
from nestguard.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


def titles(meeting) -> list[str]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list(
        "title", flat=True
    ))  # fmt: skip


def test_the_sources_of_this_app_are_registered() -> None:
    codes = {s.code for s in agenda_sources()}
    assert {"new_high_risk_cases", "cases_due_for_review", "overdue_actions"} <= codes


def test_every_meeting_type_of_the_issue_is_in_the_data() -> None:
    types = meeting_types()
    assert {"mace", "macemm", "vulnerability", "complex_case", "asb", "iom"} <= set(types)
    for kind in types.values():
        assert kind.source and kind.status in ("P", "S", "U")
        assert kind.agenda_rules, kind.code
    macemm = [r.source for r in types["macemm"].agenda_rules]
    assert macemm[0] == "repeat_missing"
    # Repeat missing: the pathways app's own rule (three episodes in 90 days) decides who;
    # the panel's only parameter is how many reach one meeting (most episodes first).
    assert types["macemm"].agenda_rules[0].params == {"max_items": 25}
    for kind in types.values():  # no rule puts a borough's worth of items on one agenda
        assert all(isinstance(r.params.get("max_items"), int) for r in kind.agenda_rules)


def test_a_new_high_risk_case_is_on_the_agenda_with_its_reason(panel_world) -> None:
    item = AgendaItem.objects.get(meeting=panel_world.meeting)
    assert item.source == "new_high_risk_cases"
    assert item.case_id == panel_world.case.pk
    assert item.title == f"{panel_world.case.reference}: Jamie Childperson"
    assert "Assessed high risk (score 45)" in item.reason


def test_a_medium_or_closed_or_other_concern_case_is_not(personas, panel_world) -> None:
    child_case(personas.owner, score=25, family_name="Mediumrisk")  # medium: 19-34
    closed = child_case(personas.owner, family_name="Closedcase")
    case_close(
        actor=personas.owner, case=closed, outcomes=["moved"], resolution="positively_resolved",
        summary="Moved away", cancel_open_interventions=True,
    )  # fmt: skip
    adult = case_create(
        actor=personas.owner, lead_agency=personas.hub, concern_types=["cuckooing"],
        summary="An adult's flat",
    )  # fmt: skip
    assert adult.pk
    meeting_agenda_build(actor=panel_world.chair, meeting=panel_world.meeting)
    assert titles(panel_world.meeting) == [f"{panel_world.case.reference}: Jamie Childperson"]


def test_the_reason_names_the_uk_day_of_the_assessment(panel_world) -> None:
    # Assessed at 00:30 BST on 1 July 2026: 23:30 on 30 June in UTC, as the database keeps it.
    RiskAssessment.objects.filter(case=panel_world.case).update(
        assessed_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    scope = selectors.agenda_scope(panel_world.panel.pk)
    found = list(panel_agenda.new_high_risk_cases(as_of=date(2026, 7, 1), params={}, scope=scope))
    assert [c.case_id for c in found] == [panel_world.case.pk]
    assert found[0].reason == "Assessed high risk (score 45) on 1 July 2026"


def test_a_case_assessed_long_before_is_due_for_review_not_new(panel_world) -> None:
    later = timezone.localdate() + timedelta(days=40)
    meeting = meeting_schedule(actor=panel_world.chair, panel=panel_world.panel, meets_on=later)
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.source == "cases_due_for_review"
    assert "Review overdue since" in item.reason


def test_building_again_adds_nothing_and_keeps_the_chairs_order(personas, panel_world) -> None:
    meeting, chair = panel_world.meeting, panel_world.chair
    own = agenda_item_add(actor=chair, meeting=meeting, title="Locations: the Moss Lane garages")
    agenda_item_move(actor=chair, item=own, direction="up")
    before = titles(meeting)
    meeting_agenda_build(actor=chair, meeting=meeting)
    meeting_agenda_build(actor=chair, meeting=meeting)
    assert (
        titles(meeting)
        == before
        == [
            "Locations: the Moss Lane garages",
            f"{panel_world.case.reference}: Jamie Childperson",
        ]
    )
    newer = child_case(personas.owner, family_name="Newcase")
    meeting_agenda_build(actor=chair, meeting=meeting)
    assert titles(meeting) == [*before, f"{newer.reference}: Jamie Newcase"]
    builds = AuditEvent.objects.filter(action="meeting.agenda_build", object_id=str(meeting.pk))
    assert builds.count() == 4


def test_one_matter_found_by_two_rules_is_on_the_agenda_once(panel_world) -> None:
    # The high-risk case is also due for review within 14 days of a meeting 10 days away.
    meeting = meeting_schedule(
        actor=panel_world.chair, panel=panel_world.panel,
        meets_on=timezone.localdate() + timedelta(days=10),
    )  # fmt: skip
    assert AgendaItem.objects.filter(meeting=meeting, case=panel_world.case).count() == 1


def test_a_rule_naming_an_unregistered_source_is_skipped_with_a_note(panel_world) -> None:
    rules = [
        AgendaRule("no_such_source", "Something not installed", {}),
        AgendaRule("new_high_risk_cases", "New high-risk cases", {"within_days": 28}),
    ]
    proposals, notes = collect_candidates(
        rules, as_of=timezone.localdate(), panel_id=panel_world.panel.pk
    )
    assert [c.case_id for _, c in proposals] == [panel_world.case.pk]
    assert notes == [
        {
            "source": "no_such_source",
            "rule": "Something not installed",
            "note": "Skipped: no agenda source 'no_such_source' is registered",
        }
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"within_days": -1},
        {"within_days": "28"},
        {"within_days": True},
        {"within_days": 5000},
        {"bands": "high"},
        {"concern_types": [1, 2]},
    ],
)
def test_a_rule_with_parameters_its_source_refuses_is_skipped(panel_world, params) -> None:
    rules = [AgendaRule("new_high_risk_cases", "Bad rule", params)]
    proposals, notes = collect_candidates(
        rules, as_of=timezone.localdate(), panel_id=panel_world.panel.pk
    )
    assert proposals == []
    assert notes[0]["note"].startswith("Skipped: ")


def test_the_macemm_agenda_notes_a_missing_source_on_the_page(panel_world) -> None:
    """Whether `repeat_missing` is registered depends on the pathways app being installed:
    either way the build does not fail, and the page says which rules were not used."""
    registered = "repeat_missing" in {s.code for s in agenda_sources()}
    notes = panel_world.meeting.agenda_notes
    assert [n["source"] for n in notes] == ([] if registered else ["repeat_missing"])
    response = sign_in(Client(), panel_world.chair).get(
        f"/panels/meetings/{panel_world.meeting.pk}/"
    )
    assert response.status_code == 200
    assert (b"Skipped: no agenda source" in response.content) is not registered


def test_overdue_actions_of_other_panels_are_chased(personas, panel_world) -> None:
    from nestguard.panels.services.actions import action_record

    chair = panel_world.chair
    asb = panel_create(actor=chair, name="Northbrook ASB panel", meeting_type="asb")
    past = meeting_schedule(
        actor=None, panel=asb, meets_on=timezone.localdate() - timedelta(days=30)
    )
    late = action_record(
        actor=chair, meeting=past, description="Serve a community protection warning",
        owner_agency=personas.hub, due_on=timezone.localdate() - timedelta(days=20),
    )  # fmt: skip
    own = action_record(
        actor=chair, meeting=panel_world.meeting, description="This panel's own action",
        owner_agency=personas.hub, due_on=timezone.localdate(),
    )  # fmt: skip
    later = meeting_schedule(
        actor=chair, panel=panel_world.panel, meets_on=timezone.localdate() + timedelta(days=7)
    )
    keys = set(AgendaItem.objects.filter(meeting=later).values_list("key", flat=True))
    assert f"action:{late.pk}" in keys
    assert f"action:{own.pk}" not in keys  # carried over instead, not chased as an item
    assert later.carried.filter(action=own).exists()


@pytest.mark.parametrize("scope", ["this_panel", "all_panels", "other_panels"])
def test_the_overdue_actions_scopes(personas, panel_world, scope) -> None:
    from nestguard.panels.services.actions import action_record

    chair = panel_world.chair
    asb = panel_create(actor=chair, name="Northbrook ASB panel", meeting_type="asb")
    old_asb = meeting_schedule(actor=None, panel=asb, meets_on=timezone.localdate() - timedelta(30))
    old_here = meeting_schedule(
        actor=None, panel=panel_world.panel, meets_on=timezone.localdate() - timedelta(30)
    )
    theirs = action_record(
        actor=chair, meeting=old_asb, description="Theirs", owner_agency=personas.hub,
        due_on=old_asb.meets_on,
    )  # fmt: skip
    ours = action_record(
        actor=chair, meeting=old_here, description="Ours", owner_agency=personas.hub,
        due_on=old_here.meets_on,
    )  # fmt: skip
    found = {
        c.key
        for c in panel_agenda.overdue_actions(
            as_of=timezone.localdate(),
            params={"scope": scope},
            scope=selectors.agenda_scope(panel_world.panel.pk),
            panel_id=panel_world.panel.pk,
        )
    }
    expected = {
        "this_panel": {f"action:{ours.pk}"},
        "other_panels": {f"action:{theirs.pk}"},
        "all_panels": {f"action:{ours.pk}", f"action:{theirs.pk}"},
    }[scope]
    assert found == expected


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="scope"):
        list(
            panel_agenda.overdue_actions(
                as_of=timezone.localdate(),
                params={"scope": "x"},
                scope=AgendaScope(case_ids=[], person_ids=[]),
            )
        )


def test_only_a_chair_builds_and_a_held_meeting_is_final(personas, panel_world) -> None:
    with pytest.raises(PermissionDenied):
        meeting_agenda_build(actor=personas.owner, meeting=panel_world.meeting)
    meeting_hold(actor=panel_world.chair, meeting=panel_world.meeting)
    assert panel_world.meeting.status == MeetingStatus.HELD
    with pytest.raises(ValidationError):
        meeting_agenda_build(actor=panel_world.chair, meeting=panel_world.meeting)
    with pytest.raises(ValidationError):
        agenda_item_add(actor=panel_world.chair, meeting=panel_world.meeting, title="Late")


def test_meetings_are_scheduled_by_cadence(panel_world) -> None:
    panel = panel_world.panel
    assert panel.cadence_days == 28  # the MACEMM default from the data
    assert next_meeting_date(panel) == panel_world.meeting.meets_on + timedelta(days=28)
    second = meeting_schedule(actor=panel_world.chair, panel=panel)
    assert second.meets_on == panel_world.meeting.meets_on + timedelta(days=28)
    with pytest.raises(ValidationError) as error:
        meeting_schedule(actor=panel_world.chair, panel=panel, meets_on=second.meets_on)
    assert "already meets" in error.value.message_dict["meets_on"][0]


def test_after_a_long_gap_the_cadence_steps_on_past_today(panel_world) -> None:
    panel = panel_world.panel
    today = timezone.localdate()
    assert next_meeting_date(panel, today=today + timedelta(days=60)) == (
        panel_world.meeting.meets_on + timedelta(days=84)
    )


@pytest.mark.parametrize(
    ("meets_on", "field"),
    [("2026-02-30", "meets_on"), ("1999-12-31", "meets_on"), ("yesterday", "meets_on")],
)
def test_impossible_meeting_dates_are_refused(panel_world, meets_on, field) -> None:
    with pytest.raises(ValidationError) as error:
        meeting_schedule(actor=panel_world.chair, panel=panel_world.panel, meets_on=meets_on)
    assert field in error.value.message_dict


def test_a_past_date_is_refused_for_a_chair(panel_world) -> None:
    with pytest.raises(ValidationError):
        meeting_schedule(
            actor=panel_world.chair, panel=panel_world.panel,
            meets_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip


def test_moving_items_at_the_edges_is_refused(panel_world) -> None:
    chair, meeting = panel_world.chair, panel_world.meeting
    first = AgendaItem.objects.get(meeting=meeting)
    last = agenda_item_add(actor=chair, meeting=meeting, title="Any other business")
    for item, direction in ((first, "up"), (last, "down")):
        with pytest.raises(ValidationError):
            agenda_item_move(actor=chair, item=item, direction=direction)
    with pytest.raises(ValidationError):
        agenda_item_move(actor=chair, item=first, direction="sideways")


def test_a_person_on_two_panels_lists_is_flagged_to_each_chair(personas, panel_world) -> None:
    chair = panel_world.chair
    # The same child in a cuckooing case, due for review: the ASB panel's rules find it.
    other = case_create(
        actor=personas.owner, lead_agency=personas.hub, concern_types=["cuckooing"],
        summary="The child is seen at a cuckooed flat",
    )  # fmt: skip
    case_subject_add(actor=personas.owner, case=other, person=panel_world.child, role="victim")
    other.next_review_on = timezone.localdate()
    other.save(update_fields=["next_review_on"])
    asb = panel_create(actor=chair, name="Northbrook ASB panel", meeting_type="asb")
    asb_meeting = meeting_schedule(actor=chair, panel=asb, meets_on=timezone.localdate())
    here = selectors.cross_panel_flags(panel_world.meeting)
    there = selectors.cross_panel_flags(asb_meeting)
    assert [f.person_name for f in here] == ["Jamie Childperson"]
    assert here[0].others == [f"Northbrook ASB panel ({asb_meeting.meets_on:%-d %B %Y})"]
    assert [f.person_name for f in there] == ["Jamie Childperson"]
    assert there[0].others == [f"Northbrook MACEMM ({panel_world.meeting.meets_on:%-d %B %Y})"]


def test_people_on_one_list_only_are_not_flagged(panel_world) -> None:
    assert selectors.cross_panel_flags(panel_world.meeting) == []


def test_a_rule_limits_how_many_items_it_adds_and_says_so(personas, panel_world) -> None:
    child_case(personas.owner, family_name="Secondchild")
    rules = [AgendaRule("new_high_risk_cases", "New high-risk", {"max_items": 1})]
    proposals, notes = collect_candidates(
        rules, as_of=timezone.localdate(), panel_id=panel_world.panel.pk
    )
    assert len(proposals) == 1
    assert notes[0]["note"].startswith("1 more found; the first 1 are on the agenda")


def _strict(*, as_of, params, scope):
    """A source that, like pathways' repeat_missing, refuses parameters it does not know."""
    if set(params) - {"episodes"}:
        raise ValueError(f"unknown parameters: {sorted(set(params) - {'episodes'})}")
    yield from ()


def _asks_for_the_panel(*, as_of, params, scope, panel_id):
    from nestguard.core.agenda import AgendaCandidate

    yield AgendaCandidate(source="test_panel_aware", title=str(panel_id), reason="", key="p")


def test_sources_get_only_their_own_parameters_and_the_panel_if_they_ask(panel_world) -> None:
    from nestguard.core.agenda import register_agenda_source

    register_agenda_source("test_strict", "Strict", _strict)
    register_agenda_source(
        "test_panel_aware", "Panel aware", _asks_for_the_panel, panel_context=True
    )
    rules = [
        AgendaRule("test_strict", "Strict", {"episodes": 3, "max_items": 5}),
        AgendaRule("test_panel_aware", "Panel aware", {}),
    ]
    proposals, notes = collect_candidates(
        rules, as_of=timezone.localdate(), panel_id=panel_world.panel.pk
    )
    assert notes == []
    assert [c.title for _, c in proposals] == [str(panel_world.panel.pk)]
