"""docs/architecture.md's layout table names every app, so a newcomer finds each one there."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

ARCHITECTURE = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def test_the_layout_table_names_every_app() -> None:
    named = set(re.findall(r"^\| `(\w+)` \|", ARCHITECTURE.read_text(), re.M))
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("nestguard.")}
    assert ours - named == set(), f"apps missing from docs/architecture.md: {ours - named}"
