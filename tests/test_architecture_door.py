"""Views, API views, agendas and template tags read protected records only through the door.

Every module under nestguard/ that is a view module (`views.py`, `*_views.py`, a `views/`
package), an API module (`nestguard/api/`, `<app>/api.py`), an agenda module (`<app>/agenda.py`,
whose sources start from `door.for_panel`) or a template tag module is found by walking the
tree, not from a list kept by hand, and parsed. It may not:

- query a domain model itself (`Model.objects`, `Model._default_manager`);
- call `get_object_or_404` (the door's `load` answers 404 and audits the read);
- call `audit_record` (the door writes the read audit; writes audit in their services);
- import a visibility root (`visible_*`, a `policy` module) instead of asking the door.

`nestguard.accounts.models` is the identity layer (sign-in reads users and devices) and is
not a domain model here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "nestguard"
IDENTITY_MODELS = {"nestguard.accounts.models"}
MANAGERS = {"objects", "_default_manager"}
VISIBILITY_ROOTS = ("visible_", "get_visible_")
FORBIDDEN_CALLS = {"get_object_or_404", "audit_record", "audit_record_reads"}


def reading_modules() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name == "__init__.py":
            continue
        if (
            "templatetags" in parts
            or parts[0] == "api"
            or path.stem == "api"
            or path.stem == "agenda"
            or "views" in parts
            or path.stem == "views"
            or path.stem.endswith("_views")
        ):
            found.append(path)
    return found


def _domain_model_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            domain = module.startswith("nestguard.") and module.endswith(".models")
            if domain and module not in IDENTITY_MODELS:
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def violations(source: str, name: str = "<snippet>") -> list[str]:
    """What in `source` reads or audits around the door, one line each."""
    tree = ast.parse(source)
    models = _domain_model_names(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in models
        ):
            found.append(f"{where} queries {node.value.id}.{node.attr} outside the door")
        elif isinstance(node, ast.Call) and _called_name(node) in FORBIDDEN_CALLS:
            found.append(f"{where} calls {_called_name(node)} (use the door)")
        elif isinstance(node, ast.Call) and _called_name(node).startswith(VISIBILITY_ROOTS):
            found.append(f"{where} calls {_called_name(node)} (use door.visible/load)")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.endswith(".access_policy"):
                found.append(f"{where} imports {node.module} (ask the door)")
            for alias in node.names:
                if alias.name == "access_policy":
                    found.append(f"{where} imports an access policy (ask the door)")
                if alias.name.startswith(VISIBILITY_ROOTS):
                    found.append(f"{where} imports {alias.name} (use door.visible/load)")
    return found


def test_the_walk_finds_views_api_and_template_tags():
    names = {str(p.relative_to(ROOT)) for p in reading_modules()}
    for expected in (
        "cases/views.py",
        "places/views/pages.py",
        "referrals/triage_views.py",
        "api/cases.py",
        "enforcement/api.py",
        "people/templatetags/people.py",
        "panels/agenda.py",
        "places/agenda.py",
        "pathways/agenda.py",
    ):
        if (ROOT / expected).exists():
            assert expected in names


def test_every_registered_agenda_source_is_in_the_walk():
    from nestguard.core.agenda import agenda_sources

    walked = set(reading_modules())
    # Sources that tests register for themselves live in test modules, which are not walked.
    sources = [s for s in agenda_sources() if ".tests." not in s.candidates.__module__]
    assert sources
    for source in sources:
        module = sys.modules[source.candidates.__module__].__file__
        assert module and Path(module).resolve() in walked, source.code


@pytest.mark.parametrize("path", reading_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_reads_only_through_the_door(path: Path):
    assert violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


BAD = {
    "a manager": (
        "from nestguard.cases.models import Case\n"
        "def page(request, pk):\n    return Case.objects.get(pk=pk)\n"
    ),
    "a default manager": (
        "from nestguard.people.models import Person as P\n"
        "def page(request):\n    return P._default_manager.all()\n"
    ),
    "get_object_or_404": (
        "from django.shortcuts import get_object_or_404\n"
        "def page(request, pk):\n    return get_object_or_404(thing(request.user), pk=pk)\n"
    ),
    "an audit call": (
        "from nestguard.audit.services import audit_record\n"
        "def page(request):\n    audit_record(actor=request.user, action='case.view')\n"
    ),
    "an audit call by module": (
        "from nestguard.audit import services\n"
        "def page(request):\n    services.audit_record(actor=request.user, action='x')\n"
    ),
    "a visibility root": "from nestguard.cases.access_policy import visible_cases\n",
    "a selector root": "from nestguard.pathways.selectors import get_visible_episode\n",
    "an agenda source filtering by the scope itself": (
        "from nestguard.pathways.models import MissingEpisode\n"
        "def source(*, as_of, params, scope):\n"
        "    return MissingEpisode.objects.filter(person_id__in=scope.person_ids)\n"
    ),
}


@pytest.mark.parametrize("snippet", BAD.values(), ids=BAD.keys())
def test_the_check_catches_reads_around_the_door(snippet: str):
    assert violations(snippet)


def test_the_door_itself_and_identity_reads_pass():
    good = (
        "from nestguard.access.door import load, visible\n"
        "from nestguard.accounts.models import User\n"
        "from nestguard.cases.models import Case\n"
        "def page(request, pk):\n"
        "    User.objects.filter(is_active=True)\n"
        "    case = load(request.user, Case, pk, purpose='case_work')\n"
        "    return case, visible(request.user, Case)\n"
        "def source(*, as_of, params, scope):\n"
        "    return door.for_panel(scope, Case).filter(status='open')\n"
    )
    assert violations(good) == []
