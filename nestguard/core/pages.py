"""Helpers every app's views share (so that no app imports another app's views)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from nestguard.core.forms import messages_by_field
from nestguard.core.versioning import ConflictError

Result = TypeVar("Result")


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


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST (even an empty one, so that it shows its errors), else None
    (an unbound form on a GET)."""
    return request.POST if request.method == "POST" else None


def form_acted(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Result],
    *,
    done: str | Callable[[Result], str],
    then: str | Callable[[Result], str],
    rename: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The one shape of a form page's POST. A valid form is handed to the service (`act`); if
    the service refuses (a ValidationError), its messages go on the form and None comes back,
    so the caller renders the page again: the error summary, and nothing written. If it acts,
    the page says `done` and goes on to `then` (each a text, or made from the service's
    result). A GET, or a form with errors, also gives None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc, rename)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
