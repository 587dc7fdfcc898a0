"""The glossary in the application: loaded from its data file without overwriting the
partnership's wording, kept by partnership managers with every earlier wording, read by all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.core.versioning import ConflictError
from nestguard.enforcement.ladder import ladder
from nestguard.lexicon.models import Term
from nestguard.lexicon.selectors import term_history
from nestguard.lexicon.services.terms import (
    data_file_terms,
    load_missing_terms,
    term_add,
    term_edit,
)
from nestguard.lexicon.templatetags.lexicon import summary
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def manager():
    return UserFactory(username="manager", roles=["partnership_manager"])


@pytest.fixture
def caseworker():
    return UserFactory(username="worker", roles=["caseworker"])


def test_every_term_of_the_data_file_is_in_the_database_after_migrating():
    slugs = set(Term.objects.values_list("slug", flat=True))
    assert {row["slug"] for row in data_file_terms()} <= slugs
    assert all(row["source"] for row in data_file_terms()), "every term names its source"


def test_a_release_adds_missing_terms_and_keeps_the_partnerships_wording(manager):
    mace = Term.objects.get(slug="mace")
    term_edit(manager, record=mace, term="MACE", definition="Our own words.", source="Local")
    Term.objects.filter(slug="nrm").delete()  # as if NRM came with a later release
    assert load_missing_terms() == 1
    assert Term.objects.get(slug="mace").definition == "Our own words."
    assert Term.objects.filter(slug="nrm").exists()
    assert load_missing_terms() == 0


def test_an_edit_keeps_the_earlier_wording_and_is_audited(manager):
    term = Term.objects.get(slug="cuckooing")
    before = term.definition
    term_edit(manager, record=term, term="Cuckooing", definition="New words.", source="Local")
    term.refresh_from_db()
    assert term.definition == "New words."
    [revision] = term_history(term)
    assert revision.changed_by == manager
    assert revision.changes["definition"] == [before, "New words."]
    assert AuditEvent.objects.filter(action="lexicon.term_edit", actor=manager).count() == 1


def test_an_edit_over_someone_elses_newer_one_is_refused(manager):
    term = Term.objects.get(slug="mace")
    seen = term.version
    term_edit(manager, record=term, term="MACE", definition="First.", expected_version=seen)
    stale = Term.objects.get(slug="mace")
    with pytest.raises(ConflictError):
        term_edit(manager, record=stale, term="MACE", definition="Second.", expected_version=seen)
    assert Term.objects.get(slug="mace").definition == "First."


@pytest.mark.parametrize(
    ("fields", "error_on"),
    [
        ({"slug": "Closure Order", "term": "X", "definition": "Y"}, "slug"),
        ({"slug": "cuckooing", "term": "X", "definition": "Y"}, "slug"),
        ({"slug": "new-term", "term": "", "definition": "Y"}, "term"),
        ({"slug": "new-term", "term": "X", "definition": "   "}, "definition"),
        ({"slug": "new-term", "term": "X\x07", "definition": "Y"}, "term"),
        ({"slug": "new-term", "term": "X", "definition": "Y" * 2001}, "definition"),
    ],
)
def test_a_bad_term_is_refused_with_its_reason_and_nothing_written(manager, fields, error_on):
    count = Term.objects.count()
    with pytest.raises(ValidationError) as refused:
        term_add(manager, **fields)
    assert error_on in refused.value.message_dict
    assert Term.objects.count() == count


def test_only_partnership_managers_and_administrators_change_the_glossary(caseworker):
    with pytest.raises(PermissionDenied):
        term_add(caseworker, slug="new-term", term="X", definition="Y")
    with pytest.raises(PermissionDenied):
        term_edit(caseworker, record=Term.objects.get(slug="mace"), term="MACE", definition="Z")
    admin = UserFactory(username="admin1", roles=["admin"])
    assert term_add(admin, slug="new-term", term="X", definition="Y").slug == "new-term"


def test_everyone_reads_the_glossary_and_only_editors_see_the_change_links(manager, caseworker):
    page = sign_in(Client(), caseworker).get(reverse("lexicon:glossary"))
    assert page.status_code == 200
    assert 'id="term-closure-order"' in page.content.decode()
    assert reverse("lexicon:change", args=["mace"]) not in page.content.decode()
    page = sign_in(Client(), manager).get(reverse("lexicon:glossary"))
    assert reverse("lexicon:change", args=["mace"]) in page.content.decode()
    assert sign_in(Client(), caseworker).get(reverse("lexicon:new")).status_code == 403


def test_a_bad_edit_on_the_page_shows_the_error_summary_and_changes_nothing(manager):
    term = Term.objects.get(slug="mace")
    client = sign_in(Client(), manager)
    url = reverse("lexicon:change", args=["mace"])
    page = client.post(url, {"term": "MACE", "definition": "", "version": term.version})
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert Term.objects.get(slug="mace").definition == term.definition
    saved = client.post(url, {"term": "MACE", "definition": "Ours.", "version": term.version})
    assert saved.status_code == 302
    assert Term.objects.get(slug="mace").definition == "Ours."
    assert "was:" in client.get(url).content.decode()  # the earlier wording, shown


def test_a_saved_edit_says_the_new_wording(manager):
    term = Term.objects.get(slug="mace")
    client = sign_in(Client(), manager)
    saved = client.post(
        reverse("lexicon:change", args=["mace"]),
        {"term": "MACE panel", "definition": term.definition, "version": term.version},
    )
    assert saved.status_code == 302
    assert [str(m) for m in get_messages(saved.wsgi_request)] == ["Wording saved: MACE panel"]


def test_a_new_term_from_the_page(manager):
    client = sign_in(Client(), manager)
    answer = client.post(
        reverse("lexicon:new"),
        {"slug": "operation-sanctuary", "term": "Operation Sanctuary", "definition": "Words."},
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith("#term-operation-sanctuary")
    assert Term.objects.get(slug="operation-sanctuary").term == "Operation Sanctuary"


def test_a_page_explains_a_term_once_where_it_first_appears(caseworker):
    page = sign_in(Client(), caseworker).get(reverse("referrals:start"))
    html = page.content.decode()
    assert html.count("What cuckooing means") == 1
    assert html.count("What county lines means") == 1
    assert f"{reverse('lexicon:glossary')}#term-cuckooing" in html


def test_the_summary_keeps_an_abbreviations_capitals():
    assert summary("Closure order") == "What closure order means"
    assert summary("MACE") == "What MACE means"
    assert summary("Community Protection Warning (CPW)") == (
        "What Community Protection Warning (CPW) means"
    )


def test_every_term_a_template_names_is_in_the_data_file():
    """A literal `{% explain "slug" %}` names a term the release brings."""
    known = {row["slug"] for row in data_file_terms()}
    named = {
        slug
        for path in ROOT.glob("*/templates/**/*.html")
        for slug in re.findall(r'{%\s*explain\s+"([^"]+)"', path.read_text(encoding="utf-8"))
    }
    assert named, "no page explains a term"
    assert named <= known, named - known


def test_the_ladders_and_panels_main_steps_have_terms():
    """The enforcement and panel pages explain their steps and meeting types by code."""
    known = {row["slug"] for row in data_file_terms()}
    steps = {code.replace("_", "-") for code in ladder().steps}
    assert {"cpw", "cpn", "closure-notice", "closure-order"} <= steps & known
    assert {"mace", "macemm"} <= known
