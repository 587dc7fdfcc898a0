"""Helpers every app's views share (so that no app imports another app's views)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from nestguard.core.forms import messages_by_field
from nestguard.core.versioning import ConflictError


def link_to(url_name: str, pk: Any) -> str:
    """Another app's page for a record, or "" while that page does not exist."""
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


def apply_service_errors(
    form: forms.Form, exc: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """A service's ValidationError shown on the form: on its field, or in the summary.

    A ConflictError (someone else saved the record first) goes in the summary, headline
    and what changed; the form keeps what the person typed, and now carries the record's
    current version, so that saving again, having seen the changes, is a deliberate choice.
    """
    if isinstance(exc, ConflictError) and "version" in form.fields:
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
        data[form.add_prefix("version")] = str(exc.current_version)
        form.data = data
    rename = rename or {}
    for key, messages_ in messages_by_field(exc).items():
        name = rename.get(key, key)
        target = name if name in form.fields else None
        for message in messages_:
            form.add_error(target, message)
