"""Forms of the places pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nestguard.core.forms import GovukForm, clean_text
from nestguard.places.postcodes import normalise_postcode

POSTCODE_REQUIRED = "Enter a postcode"
POSTCODE_INVALID = "Enter a full UK postcode, like NB1 2AB"


def clean_postcode(value: object) -> str:
    """A postcode typed by a person or sent by a partner system, in standard form; raises a
    ValidationError with the GOV.UK message otherwise. Shared by the page and the API."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(POSTCODE_REQUIRED)
    if not isinstance(value, str) or len(value) > 20:
        raise ValidationError(POSTCODE_INVALID)
    text = clean_text(value, label="Postcode")
    normal = normalise_postcode(text)
    if normal is None:
        raise ValidationError(POSTCODE_INVALID)
    return normal


class PostcodeSearchForm(GovukForm):
    postcode = forms.CharField(
        label="Postcode",
        help_text="For example, NB1 2AB",
        error_messages={"required": POSTCODE_REQUIRED},
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Control characters (NUL included) get clean_postcode's own message.
        self.fields["postcode"].validators = []

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])
