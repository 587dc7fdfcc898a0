"""The forms of the reporting pages (GOV.UK components through core.forms)."""

from __future__ import annotations

from django import forms

from nestguard.core.forms import GovukDateField, GovukForm

DEFAULT_PROJECT = "Cuckooing and exploitation project"


class ProjectCostForm(GovukForm):
    # The service checks everything again (it is the write path); the form gives the page
    # its GOV.UK messages for what is missing or not a date.
    project = forms.CharField(
        label="Project",
        max_length=120,
        help_text="Its cost is subtracted in the project evaluation report",
        error_messages={"required": "Enter the project"},
    )
    starts_on = GovukDateField(
        label="Start date",
        help_text="The first day this cost covers, for example 1 4 2026",
        error_messages={"required": "Enter the start date"},
    )
    ends_on = GovukDateField(
        label="End date",
        help_text="The last day this cost covers, for example 31 3 2027",
        error_messages={"required": "Enter the end date"},
    )
    amount = forms.CharField(
        label="Amount in pounds",
        help_text="What the project cost over the whole period, for example 27705.00",
        error_messages={"required": "Enter the amount in pounds, like 27705.00"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the cost covers: a post, a grant, equipment",
    )
