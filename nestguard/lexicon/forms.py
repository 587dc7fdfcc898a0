"""The glossary's forms: a term's wording, and a new term's name on pages."""

from __future__ import annotations

from django import forms

from nestguard.core.forms import GovukForm, VersionField
from nestguard.lexicon.services.terms import DEFINITION_MAX, SOURCE_MAX, TERM_MAX


class _WordingForm(GovukForm):
    term = forms.CharField(label="Term", max_length=TERM_MAX)
    definition = forms.CharField(
        label="Definition",
        help_text="Plain English that a worker from any agency understands",
        max_length=DEFINITION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source = forms.CharField(
        label="Source",
        help_text="The law, guidance or document the wording comes from, or 'Local policy'",
        max_length=SOURCE_MAX,
        required=False,
    )


class TermForm(_WordingForm):
    version = VersionField()


class NewTermForm(_WordingForm):
    slug = forms.CharField(
        label="Short name",
        help_text="How pages name the term: lower-case words joined by hyphens, for example "
        "closure-order",
        max_length=60,
    )
    field_order = ["slug", "term", "definition", "source"]
