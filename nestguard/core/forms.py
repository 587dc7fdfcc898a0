"""Form pieces that render as GOV.UK Design System components (see templatetags/govuk.py)."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone

# Control characters other than tab and newlines have no business in free text.
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def clean_text(value: str, *, label: str) -> str:
    """Text is stored as typed (markup included, shown escaped) but never with control codes."""
    if any(ch in _CONTROL for ch in value):
        raise ValidationError(f"{label} must not contain control characters")
    return value.strip()


_TIME_OF_DAY = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def time_of_day_field(label: str, required: bool = True) -> forms.CharField:
    """A time typed beside a GOV.UK date input ("14:30"); `parse_time_of_day` reads it."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=5,
        help_text="24-hour clock, UK time, for example 14:30",
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def parse_time_of_day(value: str) -> time | None:
    """14:30 or 14.30 on the 24-hour clock, or None for anything else."""
    match = _TIME_OF_DAY.match(value or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def messages_by_field(exc: ValidationError, field: str = NON_FIELD_ERRORS) -> dict[str, list[str]]:
    """A ValidationError's messages by field, whichever shape it was raised in: a message or a
    list of them (as clean_text raises) goes under `field`. Pages, the API and services read
    errors through this, so a non-field error never meets code that expects a dict."""
    if hasattr(exc, "error_dict"):
        return {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    return {field: [str(m) for m in exc.messages]}


class GovukDateInput(forms.MultiWidget):
    template_name = "core/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A day, month and year field with the GOV.UK error messages."""

    widget = GovukDateInput

    def __init__(
        self,
        *,
        not_in_future: bool = False,
        earliest: date | None = None,
        **kwargs: Any,
    ):
        self.not_in_future = not_in_future
        self.earliest = earliest or date(1900, 1, 1)
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(part.strip() for part in data_list if part):
            return None
        label = (self.label or "Date").capitalize()
        day, month, year = ((part or "").strip() for part in data_list)
        if not (day and month and year):
            raise ValidationError(f"{label} must include a day, month and year")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if self.not_in_future and value > timezone.localdate():
            raise ValidationError(f"{label} must be today or in the past")
        if value < self.earliest:
            raise ValidationError(f"{label} must be after {self.earliest:%-d %B %Y}")
        return value


class VersionField(forms.IntegerField):
    """The version of the record the page was shown with (core.versioning), carried in a
    hidden input so that the service can refuse a save made over someone else's. Declare it
    as `version = VersionField()` and give it `initial={"version": record.version}`."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class GovukForm(forms.Form):
    """Marks fields with errors so the templates can add the GOV.UK error classes."""

    @classmethod
    def showing_error(cls, message: str) -> GovukForm:
        """An empty form that shows `message` in its error summary (e.g. after a lockout)."""
        form = cls()
        form._errors = ErrorDict()  # type: ignore[attr-defined]
        form.cleaned_data = {}
        form.add_error(None, message)
        return form

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for each error, in field order, for the error summary."""
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            anchor = self._first_field_id() if name == "__all__" else self._anchor_for(name)
            items.extend((anchor, str(message)) for message in errors)
        return items

    def _first_field_id(self) -> str:
        first = next((n for n, f in self.fields.items() if not f.widget.is_hidden), "")
        return self._anchor_for(first) if first else ""

    def _anchor_for(self, name: str) -> str:
        field = self.fields.get(name)
        if field is None:
            return ""
        bound = self[name]
        if isinstance(field, GovukDateField):
            return f"{bound.auto_id}_day"
        if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            return f"{bound.auto_id}_0"
        return str(bound.id_for_label)
