"""Meeting types and panel rules as data (`panels/data/*.json`), checked when loaded.

A meeting type names its default cadence and its agenda rules. Each rule names an agenda
source (`nestguard.core.agenda`) and the parameters that source reads. Whether the source is
registered is NOT checked here: a rule whose source is missing is skipped, with a note, when
an agenda builds (the app that provides it may not be installed in this deployment).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


class RulesFileError(ValueError):
    """A data file that does not say what the code needs: refused at load, never half-used."""


@dataclass(frozen=True)
class AgendaRule:
    source: str
    label: str
    params: dict[str, Any]


@dataclass(frozen=True)
class MeetingType:
    code: str
    label: str
    description: str
    cadence_days: int
    source: str
    status: str  # P, S or U: how the facts behind it were checked (see domain-standards)
    agenda_rules: tuple[AgendaRule, ...]


@dataclass(frozen=True)
class PanelRules:
    cross_panel_lookback_days: int
    escalate_after_carries: int
    escalation_note: str
    confidentiality_version: str
    confidentiality_text: str
    source: str


def _need(raw: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in raw:
        raise RulesFileError(f"{where}: {key!r} is missing")
    value = raw[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise RulesFileError(f"{where}: {key!r} has the wrong type")
    return value


def _positive(raw: dict[str, Any], key: str, where: str) -> int:
    value = _need(raw, key, int, where)
    if value < 1:
        raise RulesFileError(f"{where}: {key!r} must be a whole number of at least 1")
    return int(value)


def parse_meeting_types(raw: dict[str, Any]) -> dict[str, MeetingType]:
    for key in ("name", "version", "source"):
        _need(raw, key, str, "meeting_types")
    types: dict[str, MeetingType] = {}
    for entry in _need(raw, "types", list, "meeting_types"):
        if not isinstance(entry, dict):
            raise RulesFileError("meeting_types: each type is an object")
        code = _need(entry, "code", str, "meeting type")
        where = f"meeting type {code!r}"
        if code in types:
            raise RulesFileError(f"{where} is listed twice")
        status = _need(entry, "status", str, where)
        if status not in ("P", "S", "U"):
            raise RulesFileError(f"{where}: status must be P, S or U")
        rules = []
        for rule in _need(entry, "agenda_rules", list, where):
            if not isinstance(rule, dict):
                raise RulesFileError(f"{where}: each agenda rule is an object")
            rules.append(
                AgendaRule(
                    source=_need(rule, "source", str, where),
                    label=_need(rule, "label", str, where),
                    params=dict(_need(rule, "params", dict, where)),
                )
            )
        types[code] = MeetingType(
            code=code,
            label=_need(entry, "label", str, where),
            description=_need(entry, "description", str, where),
            cadence_days=_positive(entry, "cadence_days", where),
            source=_need(entry, "source", str, where),
            status=status,
            agenda_rules=tuple(rules),
        )
    if not types:
        raise RulesFileError("meeting_types: no types")
    return types


def parse_panel_rules(raw: dict[str, Any]) -> PanelRules:
    where = "panel_rules"
    confidentiality = _need(raw, "confidentiality", dict, where)
    text = _need(confidentiality, "text", str, "confidentiality")
    if not text.strip():
        raise RulesFileError("confidentiality: the agreement has no text")
    return PanelRules(
        cross_panel_lookback_days=_positive(raw, "cross_panel_lookback_days", where),
        escalate_after_carries=_positive(raw, "escalate_after_carries", where),
        escalation_note=_need(raw, "escalation_note", str, where),
        confidentiality_version=_need(confidentiality, "version", str, "confidentiality"),
        confidentiality_text=text,
        source=_need(raw, "source", str, where),
    )


@cache
def meeting_types() -> dict[str, MeetingType]:
    return parse_meeting_types(json.loads((DATA / "meeting_types.json").read_text("utf-8")))


def meeting_type(code: str) -> MeetingType:
    try:
        return meeting_types()[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a meeting type") from None


def meeting_type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in meeting_types().values()]


@cache
def panel_rules() -> PanelRules:
    return parse_panel_rules(json.loads((DATA / "panel_rules.json").read_text("utf-8")))
