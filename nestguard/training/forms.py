from __future__ import annotations

from typing import Any

from django import forms

from nestguard.core.forms import GovukDateField, GovukForm


class CompletionForm(GovukForm):
    user = forms.ChoiceField(
        label="Member of staff",
        error_messages={"required": "Choose a member of your agency's staff"},
    )
    course = forms.ChoiceField(label="Course", error_messages={"required": "Choose a course"})
    completed_on = GovukDateField(
        label="Date completed",
        not_in_future=True,
        help_text="For example, 27 11 2026",
        error_messages={"required": "Enter the date the course was completed"},
    )

    def __init__(self, *args: Any, staff: list[Any], courses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose")] + [(str(u.pk), str(u)) for u in staff]  # type: ignore[attr-defined]
        self.fields["course"].choices = [("", "Choose")] + [(str(c.pk), c.name) for c in courses]  # type: ignore[attr-defined]


class ImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns username, course (its code) and completed_on (YYYY-MM-DD)",
        error_messages={"required": "Choose a CSV file"},
    )
