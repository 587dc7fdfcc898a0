"""The data files are checked when loaded; the clock source shows panel actions as due."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from nestguard.core.clocks import clock_sources, due_items
from nestguard.panels.loader import (
    DATA,
    RulesFileError,
    panel_rules,
    parse_meeting_types,
    parse_panel_rules,
)
from nestguard.panels.models import non_completion_reasons
from nestguard.panels.services.actions import action_record, action_update, chosen_reasons

RAW_TYPES = json.loads((DATA / "meeting_types.json").read_text("utf-8"))
RAW_RULES = json.loads((DATA / "panel_rules.json").read_text("utf-8"))


def test_the_shipped_defaults_are_pinned() -> None:
    rules = panel_rules()
    assert (rules.cross_panel_lookback_days, rules.escalate_after_carries) == (90, 2)
    assert rules.confidentiality_version == "1"
    assert "confidential" in rules.confidentiality_text
    assert non_completion_reasons().source.startswith("SafeLives")
    assert [code for code, _ in chosen_reasons()] == [
        "agency_did_not_undertake", "change_of_circumstance",
    ]  # fmt: skip


def _broken(change) -> dict:
    raw = copy.deepcopy(RAW_TYPES)
    change(raw)
    return raw


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.pop("source"),
        lambda r: r.update(types=[]),
        lambda r: r["types"].append(copy.deepcopy(r["types"][0])),  # a code twice
        lambda r: r["types"][0].update(cadence_days=0),
        lambda r: r["types"][0].update(cadence_days="14"),
        lambda r: r["types"][0].update(cadence_days=True),
        lambda r: r["types"][0].update(status="maybe"),
        lambda r: r["types"][0].pop("source"),
        lambda r: r["types"][0]["agenda_rules"].append({"source": "x", "label": "x"}),
        lambda r: r["types"][0]["agenda_rules"].append("new_high_risk_cases"),
        lambda r: r["types"][0]["agenda_rules"][0].update(params=[]),
    ],
)
def test_a_bad_meeting_types_file_is_refused_whole(change) -> None:
    with pytest.raises(RulesFileError):
        parse_meeting_types(_broken(change))


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(escalate_after_carries=0),
        lambda r: r.update(cross_panel_lookback_days="90"),
        lambda r: r["confidentiality"].update(text="   "),
        lambda r: r.pop("confidentiality"),
    ],
)
def test_a_bad_panel_rules_file_is_refused(change) -> None:
    raw = copy.deepcopy(RAW_RULES)
    change(raw)
    with pytest.raises(RulesFileError):
        parse_panel_rules(raw)


def test_the_clock_source_is_registered() -> None:
    assert "panel_action" in {s.code for s in clock_sources()}


@pytest.mark.django_db
def test_open_actions_are_due_for_their_owner_and_their_agency(personas, panel_world) -> None:
    today = timezone.localdate()
    late = action_record(
        actor=panel_world.chair, meeting=panel_world.meeting, description="Late",
        owner_agency=personas.hub, owner=personas.owner, due_on=today,
    )  # fmt: skip
    agency_only = action_record(
        actor=panel_world.chair, meeting=panel_world.meeting, description="For the hub",
        owner_agency=personas.hub, due_on=today + timedelta(days=3),
    )  # fmt: skip
    done = action_record(
        actor=panel_world.chair, meeting=panel_world.meeting, description="Done",
        owner_agency=personas.hub, owner=personas.owner, due_on=today,
    )  # fmt: skip
    action_update(actor=personas.owner, action=done, status="completed", completed_on=today)
    mine = [i for i in due_items(personas.owner) if i.source == "panel_action"]
    assert [i.url for i in mine] == [f"/panels/actions/{late.pk}/"]
    assert not mine[0].is_overdue(timezone.now())  # due by the end of today
    team = [i for i in due_items(personas.owner, team=True) if i.source == "panel_action"]
    assert [i.url for i in team] == [
        f"/panels/actions/{late.pk}/", f"/panels/actions/{agency_only.pk}/",
    ]  # fmt: skip
    police = [i for i in due_items(personas.partner, team=True) if i.source == "panel_action"]
    assert police == []
    later = timezone.now() + timedelta(days=1, hours=1)
    assert mine[0].is_overdue(later)
