"""The places rules as data (`data/rules.json`), typed and checked when first loaded.

Each rule carries its source; a partnership tunes the numbers in the file, and
`tests/test_policy.py` pins the defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).parent / "data" / "rules.json"


@dataclass(frozen=True)
class RepeatAddressRule:
    threshold: int
    window_days: int
    counts: tuple[str, ...]
    source: str
    queue_agency_types: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return f"{self.threshold} or more reports within {self.window_days} days"


@dataclass(frozen=True)
class DisplacementRule:
    window_days: int
    roles: tuple[str, ...]
    case_concern: str
    source: str


@dataclass(frozen=True)
class LeafletDropRule:
    default_radius_m: int
    max_radius_m: int
    source: str


@dataclass(frozen=True)
class WarningMarkerRule:
    max_review_days: int
    max_life_days: int
    review_due_soon_days: int
    source: str


@dataclass(frozen=True)
class PlacesRules:
    version: str
    repeat_address: RepeatAddressRule
    displacement: DisplacementRule
    leaflet_drop: LeafletDropRule
    warning_marker: WarningMarkerRule


def _positive(raw: dict[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{RULES_PATH.name}: {where}.{key} must be a positive whole number")
    return value


def _source(raw: dict[str, Any], where: str) -> str:
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"{RULES_PATH.name}: {where} has no source")
    return source


def parse_rules(raw: dict[str, Any]) -> PlacesRules:
    """Check every rule; a bad file fails loudly at start-up, not in a user's request."""
    from nestguard.places.models import link_roles, report_kinds

    rules = raw["rules"]
    repeat = rules["repeat_address"]
    counts = tuple(repeat["counts"])
    known_counts = {"referral", *report_kinds().values}
    if not counts or set(counts) - known_counts:
        raise ValueError(f"repeat_address.counts must be among {sorted(known_counts)}")
    from nestguard.accounts.models import agency_types

    if not repeat.get("queue_agency_types") or set(repeat["queue_agency_types"]) - set(
        agency_types().values
    ):
        raise ValueError("repeat_address.queue_agency_types must be codes of agency_types")
    displacement = rules["displacement"]
    roles = tuple(displacement["roles"])
    if not roles or set(roles) - set(link_roles().values):
        raise ValueError("displacement.roles must be codes of link_roles")
    leaflet = rules["leaflet_drop"]
    marker = rules["warning_marker"]
    parsed = PlacesRules(
        version=str(raw["version"]),
        repeat_address=RepeatAddressRule(
            threshold=_positive(repeat, "threshold", "repeat_address"),
            window_days=_positive(repeat, "window_days", "repeat_address"),
            counts=counts,
            source=_source(repeat, "repeat_address"),
            queue_agency_types=tuple(repeat.get("queue_agency_types", ())),
        ),
        displacement=DisplacementRule(
            window_days=_positive(displacement, "window_days", "displacement"),
            roles=roles,
            case_concern=str(displacement["case_concern"]),
            source=_source(displacement, "displacement"),
        ),
        leaflet_drop=LeafletDropRule(
            default_radius_m=_positive(leaflet, "default_radius_m", "leaflet_drop"),
            max_radius_m=_positive(leaflet, "max_radius_m", "leaflet_drop"),
            source=_source(leaflet, "leaflet_drop"),
        ),
        warning_marker=WarningMarkerRule(
            max_review_days=_positive(marker, "max_review_days", "warning_marker"),
            max_life_days=_positive(marker, "max_life_days", "warning_marker"),
            review_due_soon_days=_positive(marker, "review_due_soon_days", "warning_marker"),
            source=_source(marker, "warning_marker"),
        ),
    )
    if parsed.leaflet_drop.default_radius_m > parsed.leaflet_drop.max_radius_m:
        raise ValueError("leaflet_drop.default_radius_m must not exceed max_radius_m")
    return parsed


@cache
def places_rules() -> PlacesRules:
    return parse_rules(json.loads(RULES_PATH.read_text(encoding="utf-8")))
