"""The layers between the apps that import-linter cannot see (decision 0071): underscore
helpers imported across apps, and the referral templates' dependency on other apps."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import nestguard
from nestguard.referrals.page_parts import SLOTS, page_parts, register_page_part
from tests.test_access_truth_table import _referral

PACKAGE = Path(nestguard.__file__).parent


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "nestguard" else None


def _private_imports_across_apps(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        importer = _app_of(".".join(path.relative_to(root.parent).with_suffix("").parts))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            source = _app_of(node.module)
            if source is None or source == importer:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(root)}: {node.module}.{alias.name}")
    return found


def test_no_app_imports_another_apps_underscore_helper():
    assert _private_imports_across_apps() == []


def test_the_check_sees_an_underscore_helper(tmp_path):
    """The scan itself can fail: a module importing another app's private helper is found."""
    package = tmp_path / "nestguard"
    (package / "panels").mkdir(parents=True)
    (package / "panels" / "views.py").write_text("from nestguard.cases.views import _posted\n")
    (package / "panels" / "rules.py").write_text("from nestguard.panels.views import _own\n")
    assert _private_imports_across_apps(package) == [
        "panels/views.py: nestguard.cases.views._posted"
    ]


TEMPLATE_TAG = re.compile(r"{%\s*(load|include|extends)\s+([^%]*)%}")


def test_referral_templates_use_no_other_apps_tags_or_templates():
    """Other apps' parts reach the referral pages through page_parts.py's registry."""
    foreign = []
    for path in sorted((PACKAGE / "referrals" / "templates").rglob("*.html")):
        for kind, argument in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8")):
            names = argument.split()
            if kind == "load":
                foreign += [f"{path.name}: load {n}" for n in names if n not in OWN_LIBRARIES]
            # core is below every app (its shared parts, e.g. keyset pagination, are fine).
            elif not names[0].strip("\"'").startswith(("referrals/", "core/", "base.html")):
                foreign.append(f"{path.name}: {kind} {names[0]}")
    assert foreign == []


# The glossary's `explain` is for every page, as GOV.UK's components are (decision 0106).
OWN_LIBRARIES = {"govuk", "static", "humanize", "referral_parts", "lexicon"}


def test_linkage_fills_the_referral_page_slots_through_the_registry():
    codes = {slot: [part.code for part in page_parts(slot)] for slot in SLOTS}
    assert codes == {
        "person_form": ["linkage.lookup"],
        "subject": ["linkage.candidates"],
        "address": ["linkage.address_match"],
        "detail": ["linkage.known"],
        "queue": ["public.waiting"],
    }


def test_a_part_for_a_slot_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="no slot"):
        register_page_part("sidebar", "x.y", lambda context, obj: "")


def test_a_referrals_page_shows_the_linkage_parts_through_the_slots(client_for, personas):
    """The detail slot (who else knows these people) and the address slot (the register's
    answer for the referral's address) render on a submitted referral's page."""
    referral = _referral(personas.referrer, family_name="Slotford", submit=True)
    page = client_for("supervisor").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Who else knows these people" in page
    assert "Address register" in page
