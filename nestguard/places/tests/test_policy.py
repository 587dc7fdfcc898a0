"""The places rules as data: defaults pinned, sources present, bad files refused; and the
timeline registry other apps (enforcement) register into."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from nestguard.core.clocks import clock_sources
from nestguard.places.policy import RULES_PATH, parse_rules, places_rules
from nestguard.places.registry import (
    _TIMELINE,
    TimelineEntry,
    register_timeline_source,
    timeline_sources,
)

RAW = json.loads(RULES_PATH.read_text(encoding="utf-8"))


def test_defaults_are_pinned_and_every_rule_has_a_source() -> None:
    rules = places_rules()
    assert rules.leaflet_drop.default_radius_m == 150
    assert rules.displacement.roles == ("victim", "suspected_exploiter")
    assert rules.displacement.window_days == 180
    for rule in (
        rules.repeat_address,
        rules.displacement,
        rules.leaflet_drop,
        rules.warning_marker,
    ):
        assert rule.source.strip()
    # Unverified policy figures say so in their source.
    assert "not a statutory threshold" in rules.repeat_address.source
    assert "not statute" in rules.displacement.source


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("repeat_address", "threshold"), 0),
        (("repeat_address", "window_days"), "90"),
        (("repeat_address", "counts"), ["gossip"]),
        (("repeat_address", "queue_agency_types"), ["bakery"]),
        (("repeat_address", "source"), ""),
        (("displacement", "roles"), ["landlord"]),
        (("leaflet_drop", "default_radius_m"), 2000),
        (("warning_marker", "max_review_days"), True),
    ],
)
def test_bad_rules_are_refused(path: tuple[str, str], value: object) -> None:
    raw = copy.deepcopy(RAW)
    raw["rules"][path[0]][path[1]] = value
    with pytest.raises(ValueError):
        parse_rules(raw)


def test_the_clock_and_timeline_sources_are_registered() -> None:
    assert "warning_review" in {s.code for s in clock_sources()}
    codes = {s.code for s in timeline_sources()}
    assert {"referrals", "cases", "people", "warnings", "hardening", "displacement"} <= codes
    with pytest.raises(ValueError):
        register_timeline_source("cases", "Again", lambda user, address: [])


# Pinned to a ticking instant: at the rotation's 23:59:59 instants the clock stands still and
# this test's records share one timestamp (seen in CI on 4 December 2026; to be made
# order-independent).
@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))
@pytest.mark.django_db
def test_another_app_adds_to_the_timeline(personas, home, client_for):  # type: ignore[no-untyped-def]
    def enforcement(user, address):  # type: ignore[no-untyped-def]
        yield TimelineEntry(
            source="enforcement",
            when=datetime(2026, 1, 5, 10, tzinfo=UTC),
            title="Closure notice served",
            tag="Enforcement",
        )

    register_timeline_source("enforcement_test", "Enforcement", enforcement)
    try:
        page = client_for("owner").get(reverse("places:detail", args=[home.address.pk]))
    finally:
        _TIMELINE.pop("enforcement_test")
    assert "Closure notice served" in page.content.decode()
    titles = [e.title for e in page.context["timeline"]]
    assert titles.index("Closure notice served") > 0  # newest first: the case opened later
