"""The glossary in the application: everyone reads it; partnership managers keep it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nestguard.access.door import load, visible
from nestguard.access.rules import SIGNED_IN, access_rule, signed_in_user
from nestguard.core.pages import form_acted, posted
from nestguard.lexicon.forms import NewTermForm, TermForm
from nestguard.lexicon.models import Term
from nestguard.lexicon.rules import EDITING_GLOSSARY
from nestguard.lexicon.selectors import term_history
from nestguard.lexicon.services.terms import term_add, term_edit


@access_rule(SIGNED_IN)
def glossary(request: HttpRequest) -> HttpResponse:
    """Every term, A to Z, each with an anchor that pages link to (`#term-<slug>`)."""
    user = signed_in_user(request)
    return render(
        request,
        "lexicon/glossary.html",
        {
            "title": "Glossary",
            "terms": list(visible(user, Term).order_by("term")),
            "may_edit": EDITING_GLOSSARY.allows(user),
        },
    )


@access_rule(EDITING_GLOSSARY)
def term_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NewTermForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: term_add(user, **data),
        done=lambda added: f"Added to the glossary: {added.term}",
        then=lambda added: f"{reverse('lexicon:glossary')}#term-{added.slug}",
    )
    if acted is not None:
        return acted
    return render(request, "lexicon/term_form.html", {"title": "Add a term", "form": form})


@access_rule(EDITING_GLOSSARY)
def term_change(request: HttpRequest, slug: str) -> HttpResponse:
    """A term's wording, with its earlier wordings; a save over someone else's newer one is
    refused with what they changed (core.versioning)."""
    user = signed_in_user(request)
    term = load(user, Term, slug, purpose="admin", field="slug")
    form = TermForm(
        posted(request),
        initial={
            "term": term.term,
            "definition": term.definition,
            "source": term.source,
            "version": term.version,
        },
    )
    acted = form_acted(
        request,
        form,
        lambda data: term_edit(
            user, record=term, **{k: v for k, v in data.items() if k != "version"},
            expected_version=data["version"],
        ),
        done=lambda _: f"Wording saved: {term.term}",  # the new wording, read after the save
        then=f"{reverse('lexicon:glossary')}#term-{term.slug}",
    )  # fmt: skip
    if acted is not None:
        return acted
    return render(
        request,
        "lexicon/term_form.html",
        {
            "title": f"Change the wording: {term.term}",
            "form": form,
            "term": term,
            "history": term_history(term),
        },
    )
