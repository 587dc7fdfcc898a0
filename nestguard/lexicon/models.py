"""The partnership's common lexicon: one wording of each term, used on every page.

A term's wording is the partnership's to edit (decision 0106): the data file only supplies
terms the database does not have yet, and each edit keeps a revision (who, when, old and new
wording) through `core.versioning`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


class Term(BaseModel, Versioned):
    slug = models.SlugField(max_length=60, unique=True, help_text="How pages name the term")
    term = models.CharField(max_length=120, help_text="The term as readers see it")
    definition = models.TextField(help_text="Plain English, for a reader from any agency")
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the wording comes from, or local policy"
    )

    version_noun: ClassVar[str] = "term"
    version_fields: ClassVar[dict[str, str]] = {
        "term": "Term",
        "definition": "Definition",
        "source": "Source",
    }

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term
