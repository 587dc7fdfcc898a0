"""Reads of the glossary beyond the door's list: a term's earlier wordings."""

from __future__ import annotations

from nestguard.core.models import Revision
from nestguard.core.versioning import record_type
from nestguard.lexicon.models import Term


def term_history(term: Term) -> list[Revision]:
    """The term's saves, newest first, with who made them (the wording before and after each
    is in `changes`). Shown only to those who may edit the term."""
    return list(
        Revision.objects.filter(record_type=record_type(Term), record_id=term.pk)
        .select_related("changed_by")
        .order_by("-version")
    )
