"""The public report form and the triager's decision, rendered as GOV.UK components."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nestguard.core.forms import GovukDateField, GovukForm, messages_by_field
from nestguard.public.models import public_decisions, public_signs


def _text(label: str, max_length: int, *, textarea: bool = False, hint: str = "") -> forms.Field:
    widget = forms.Textarea(attrs={"rows": 5}) if textarea else forms.TextInput()
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=widget,
        help_text=hint,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
    )


class ServiceErrors(GovukForm):
    def add_service_errors(self, exc: ValidationError) -> None:
        for name, messages in messages_by_field(exc).items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class PublicReportForm(ServiceErrors):
    signs = forms.MultipleChoiceField(
        label="What have you noticed?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select the signs you noticed"},
    )
    details = _text(
        "Tell us what you saw or heard",
        5000,
        textarea=True,
        hint="For example, how many people, what they looked like, vehicles. Do not put yourself "
        "at risk to find out more.",
    )
    address_line1 = _text(
        "Building and street (optional)",
        200,
        hint="For example, 14 Testing Street, or Flat 3, Example House",
    )
    address_town = _text("Town or city (optional)", 100)
    postcode = _text(
        "Postcode", 20, hint="If you do not know the exact postcode, give the nearest one"
    )
    location_description = _text(
        "Anything else about where (optional)",
        1000,
        textarea=True,
        hint="For example, the back entrance, or the garages behind the shops",
    )
    seen_on = GovukDateField(
        label="When did you last notice this?",
        not_in_future=True,
        required=False,
        help_text="For example, 27 11 2026",
    )
    seen_when_text = _text(
        "What times, and how often? (optional)",
        500,
        hint="For example, most evenings after 10pm",
    )
    contact_name = _text("Your name (optional)", 200)
    contact_phone = _text("Phone number (optional)", 40)
    contact_email = _text("Email address (optional)", 254)
    # The honeypot: hidden from people (and from assistive technology); scripts that fill
    # every field fill it too (decision 0100).
    website = forms.CharField(required=False, label="Leave this field blank")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signs"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = public_signs().choices

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class PublicTriageForm(ServiceErrors):
    decision = forms.ChoiceField(
        label="What is your decision?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you accept or reject the report",
            "invalid_choice": "Select whether you accept or reject the report",
        },
    )
    reason = _text(
        "Reason",
        5000,
        textarea=True,
        hint="Required if you reject the report. The reporter is never told the outcome.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = public_decisions().choices
