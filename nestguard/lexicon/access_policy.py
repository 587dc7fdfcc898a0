"""Who sees the glossary: every signed-in user (it holds the partnership's vocabulary, no
personal data, so reading it is not audited). Registered with the door from
`LexiconConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nestguard.access import door
from nestguard.lexicon.models import Term


def visible_terms(user: Any) -> QuerySet[Term]:
    return Term.objects.all()


def register() -> None:
    door.register(door.Policy(Term, visible=visible_terms, read_event=None))
