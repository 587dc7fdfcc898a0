"""Planning an operation, and answering one: shapes and types; the services check the rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from nestguard.core.calendar import UK
from nestguard.core.forms import GovukDateField, GovukForm, parse_time_of_day, time_of_day_field
from nestguard.deconfliction.models import operation_kinds, response_kinds
from nestguard.deconfliction.services.operations import NOTE_MAX


class PlanForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is planned",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is planned"},
    )
    starts_on = GovukDateField(label="Day the window opens")
    starts_time = time_of_day_field("Time the window opens")
    ends_on = GovukDateField(label="Day the window closes")
    ends_time = time_of_day_field("Time the window closes")
    partner_note = forms.CharField(
        label="What partners are told",
        help_text="Only what they need to answer: for example that entry may be forced. The "
        "partners told are those with cases or markers at the address, and its landlord.",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what partners are told"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = operation_kinds().choices  # type: ignore[attr-defined]

    def moment(self, day_field: str, time_field: str) -> datetime | None:
        day = self.cleaned_data.get(day_field)
        raw = self.cleaned_data.get(time_field) or ""
        if day is None or not raw:
            return None
        at = parse_time_of_day(raw)
        if at is None:
            self.add_error(time_field, "Enter a real time on the 24-hour clock, for example 14:30")
            return None
        return datetime.combine(day, at, tzinfo=UK)


class RespondForm(GovukForm):
    response = forms.ChoiceField(
        label="Your agency's answer",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your answer"},
    )
    response_note = forms.CharField(
        label="Your note (optional)",
        help_text="For example who holds the key and how to reach them",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = response_kinds().choices  # type: ignore[attr-defined]
