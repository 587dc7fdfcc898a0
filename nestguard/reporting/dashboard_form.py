"""The dashboard's filters: a period (the last twelve complete months unless chosen), and
optionally one ward or one agency (decision 0093)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings

from nestguard.core.forms import GovukDateField, GovukForm


def last_complete_months(today: date, months: int = 12) -> tuple[date, date]:
    """The first and last day of the `months` complete calendar months before `today`."""
    end = today.replace(day=1) - timedelta(days=1)
    year, month = end.year, end.month - months + 1
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), end


def min_days() -> int:
    return int(getattr(settings, "NESTGUARD_REPORT_MIN_DAYS", 28))


class DashboardForm(GovukForm):
    start = GovukDateField(
        label="From",
        help_text="For example, 1 12 2025",
        not_in_future=True,
        error_messages={"required": "Enter the first day of the period"},
    )
    end = GovukDateField(
        label="To",
        help_text="For example, 30 11 2026",
        error_messages={"required": "Enter the last day of the period"},
    )
    # Only the wards large enough to report on alone (NESTGUARD_REPORT_MIN_WARD_ADDRESSES):
    # any other is "not in the list", so a filtered count cannot point at a street.
    ward = forms.ChoiceField(
        label="Ward (optional)",
        required=False,
        error_messages={"invalid_choice": "Select a ward from the list"},
    )
    agency = forms.ChoiceField(
        label="Referring agency (optional)",
        required=False,
        error_messages={"invalid_choice": "Select an agency from the list"},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        wards: list[str],
        agencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        ward_field: Any = self.fields["ward"]
        agency_field: Any = self.fields["agency"]
        ward_field.choices = [("", "All wards"), *((w, w) for w in wards)]
        agency_field.choices = [("", "All agencies"), *agencies]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day must be on or after the first day")
            elif (end - start).days + 1 < min_days():
                self.add_error("end", f"The period must be at least {min_days()} days long")
        return data
