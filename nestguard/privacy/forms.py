"""The breach log's forms. A moment is a GOV.UK date and a 24-hour time, read as UK time."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms

from nestguard.core.calendar import UK
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.privacy.models import breach_audiences, breach_risks

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, *, required: bool = True, rows: int = 4, help_text: str = "") -> Any:
    article = f"{label[0].lower()}{label[1:]}"
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {article}"},
    )


def _date(label: str, *, required: bool) -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        not_in_future=True,
        help_text="For example, 27 11 2026",
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


def _time(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5,
        help_text="24-hour clock, UK time, for example 14:30",
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


class MomentsForm(GovukForm):
    def moment(self, day_field: str, time_field: str) -> datetime | None:
        """The date and time typed, or None (with the field's error when the time is wrong)."""
        day: date | None = self.cleaned_data.get(day_field)
        raw = self.cleaned_data.get(time_field) or ""
        if day is None:
            return None
        if not raw:
            if self.fields[time_field].required:
                return None
            return datetime.combine(day, time(0, 0), tzinfo=UK)
        match = _TIME.match(raw)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.add_error(time_field, "Enter a real time on the 24-hour clock, for example 14:30")
            return None
        return datetime.combine(day, time(int(match.group(1)), int(match.group(2))), tzinfo=UK)


class BreachForm(MomentsForm):
    summary = forms.CharField(
        label="Summary",
        max_length=200,
        help_text="A line to find it by. Name no one.",
        error_messages={"required": "Enter a summary"},
    )
    what_happened = _text(
        "What happened", help_text="How it happened, and what was done to contain it"
    )
    data_involved = _text(
        "The data involved", rows=3, help_text="The kinds of personal data, not the data itself"
    )
    people_affected = forms.IntegerField(
        label="How many people's data (as far as you know)",
        required=False,
        min_value=0,
        error_messages={"invalid": "Enter the number of people as a whole number"},
    )
    aware_date = _date("Date you became aware", required=True)
    aware_time = _time("Time you became aware", required=True)
    occurred_date = _date("Date it happened", required=False)
    occurred_time = _time("Time it happened", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["aware_at"] = self.moment("aware_date", "aware_time")
        data["occurred_at"] = self.moment("occurred_date", "occurred_time")
        return data


class AssessForm(GovukForm):
    risk = forms.ChoiceField(
        label="How likely is it to harm people's rights and freedoms?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how likely the breach is to harm people's rights"},
    )
    risk_reasons = _text("Why", help_text="The harm people could suffer and how likely it is")
    notify_ico = forms.ChoiceField(
        label="Report it to the ICO?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to report the breach to the ICO"},
    )
    tell_people = forms.ChoiceField(
        label="Tell the people affected?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to tell the people affected"},
    )
    decision_reasons = _text(
        "Reasons",
        required=False,
        help_text="Required when not reporting to the ICO, or not telling people of a high risk",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk"].choices = breach_risks().choices  # type: ignore[attr-defined]


class NoticeForm(MomentsForm):
    audience = forms.ChoiceField(
        label="Who was told?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who was told"},
    )
    told_date = _date("Date they were told", required=True)
    told_time = _time("Time they were told", required=True)
    note = _text("Note", required=False, rows=3, help_text="Who exactly, how, and what was said")
    ico_reference = forms.CharField(label="ICO reference", required=False, max_length=60)
    late_reasons = _text(
        "Why the ICO was told after 72 hours",
        required=False,
        rows=3,
        help_text="Article 33(1): required when reporting to the ICO after the deadline",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = breach_audiences().choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["told_at"] = self.moment("told_date", "told_time")
        return data
