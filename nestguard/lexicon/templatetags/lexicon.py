"""`{% explain "closure-order" %}`: the partnership's wording of a term where it first
appears on a page, as a GOV.UK details component that links to the glossary.

The first `explain` of a term on a page renders it; later ones of the same term render
nothing, so a page explains each term once. The terms come through the door, once per request.
"""

from __future__ import annotations

from typing import Any

from django import template

from nestguard.access.door import visible
from nestguard.lexicon.models import Term

register = template.Library()


def _terms(request: Any) -> dict[str, Term]:
    terms = getattr(request, "_lexicon_terms", None)
    if terms is None:
        terms = {t.slug: t for t in visible(request.user, Term)}
        request._lexicon_terms = terms
        request._lexicon_explained = set()
    return terms


@register.inclusion_tag("lexicon/_explain.html", takes_context=True)
def explain(context: template.Context, slug: str) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not getattr(request, "user", None):
        return {"term": None}
    slug = str(slug).replace("_", "-")  # a code list's code names its term too (closure_order)
    term = _terms(request).get(slug)
    if term is None or slug in request._lexicon_explained:
        return {"term": None}
    request._lexicon_explained.add(slug)
    return {"term": term, "summary": summary(term.term)}


def summary(name: str) -> str:
    """ "What closure order means", "What MACE means": a name is lower-cased in the sentence
    unless it carries capitals of its own (an abbreviation, or one in brackets)."""
    own_capitals = any(ch.isupper() for ch in name[1:])
    return f"What {name if own_capitals else name[:1].lower() + name[1:]} means"
