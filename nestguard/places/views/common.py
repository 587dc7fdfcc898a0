"""What the places pages share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def posted(request: Any) -> Any:
    """The submitted data on a POST (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field, or in the summary."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        target = key if key in form.fields else None
        for message in messages:
            form.add_error(target, message)
