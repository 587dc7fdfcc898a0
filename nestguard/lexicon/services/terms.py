"""The one write path for glossary terms: adding, editing, and loading the data file's terms."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from nestguard.audit.services import audit_record
from nestguard.core.seeding import load_missing
from nestguard.core.validation import text_value
from nestguard.core.versioning import require_version, versioned_save
from nestguard.lexicon.models import Term
from nestguard.lexicon.rules import EDITING_GLOSSARY

if TYPE_CHECKING:
    from nestguard.accounts.models import User

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "terms.json"
NOT_EDITOR = "Only a partnership manager or an administrator changes the glossary"
TERM_MAX = 120
DEFINITION_MAX = 2000
SOURCE_MAX = 300
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@cache
def data_file_terms() -> tuple[dict[str, str], ...]:
    """The terms the release brings, as the data file lists them."""
    return tuple(json.loads(DATA_FILE.read_text(encoding="utf-8"))["terms"])


def load_missing_terms(*, using: str = "default") -> int:
    """Add the data file's terms that the database lacks; never touch one that exists, so
    that the partnership's wording survives a release. Returns how many were added."""
    return load_missing(Term, data_file_terms(), key="slug", using=using)


def _wording(errors: dict[str, str], *, term: Any, definition: Any, source: Any) -> dict[str, str]:
    return {
        "term": text_value(errors, "term", term, label="Term", max_length=TERM_MAX, required=True),
        "definition": text_value(
            errors,
            "definition",
            definition,
            label="Definition",
            max_length=DEFINITION_MAX,
            required=True,
        ),
        "source": text_value(
            errors, "source", source, label="Source", max_length=SOURCE_MAX, required=False
        ),
    }


def term_add(actor: User, *, slug: Any, term: Any, definition: Any, source: Any = "") -> Term:
    """A new term, named on pages by `slug` (lower-case words joined by hyphens)."""
    if not EDITING_GLOSSARY.allows(actor):
        raise PermissionDenied(NOT_EDITOR)
    errors: dict[str, str] = {}
    name = slug.strip() if isinstance(slug, str) else ""
    if not _SLUG.match(name) or len(name) > 60:
        errors["slug"] = (
            "Enter a short name of lower-case letters and numbers, with hyphens between "
            "words, 60 characters or fewer (for example closure-order)"
        )
    wording = _wording(errors, term=term, definition=definition, source=source)
    with transaction.atomic():
        if "slug" not in errors and Term.objects.filter(slug=name).exists():
            errors["slug"] = f"The glossary already has a term named {name}"
        if errors:
            raise ValidationError(errors)
        added = Term.objects.create(slug=name, **wording)
        audit_record(actor=actor, action="lexicon.term_add", obj=added, details={"slug": name})
    return added


def term_edit(
    actor: User,
    *,
    record: Term,
    term: Any,
    definition: Any,
    source: Any = "",
    expected_version: int | None = None,
) -> Term:
    """New wording for a term. The old wording is kept in the term's revisions; a save made
    over someone else's newer one is refused with what they changed."""
    if not EDITING_GLOSSARY.allows(actor):
        raise PermissionDenied(NOT_EDITOR)
    require_version(record, expected_version)
    errors: dict[str, str] = {}
    wording = _wording(errors, term=term, definition=definition, source=source)
    if errors:
        raise ValidationError(errors)
    with (
        transaction.atomic(),
        versioned_save(record, actor=actor, expected_version=expected_version),
    ):
        for name, value in wording.items():
            setattr(record, name, value)
        record.save(update_fields=[*wording, "updated_at"])
        audit_record(
            actor=actor, action="lexicon.term_edit", obj=record, details={"slug": record.slug}
        )
    return record
