"""Placements, education statuses and transition plans: shapes and types; the services
check the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.childhood.models import education_statuses, placement_types
from nestguard.childhood.services.records import NAME_MAX
from nestguard.childhood.services.transitions import PLAN_MAX, adult_services
from nestguard.core.forms import GovukDateField, GovukForm

OUT_OF_BOROUGH = [("", "Not known"), ("yes", "Yes"), ("no", "No")]


class PlacementForm(GovukForm):
    placement_type = forms.ChoiceField(
        label="Type of placement",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the placement type"},
    )
    placing_authority = forms.CharField(
        label="Placing authority",
        help_text="The local authority that placed the child, for example Northbrook Council",
        max_length=NAME_MAX,
        error_messages={"required": "Enter the placing authority"},
    )
    located_authority = forms.CharField(
        label="Local authority the placement is in (optional)",
        help_text="When you give it, whether the placement is out of borough is worked out",
        max_length=NAME_MAX,
        required=False,
    )
    out_of_borough = forms.ChoiceField(
        label="Is the placement out of the placing authority's area?",
        help_text="Only used when you do not give the local authority the placement is in",
        choices=OUT_OF_BOROUGH,
        widget=forms.RadioSelect,
        required=False,
    )
    uprn = forms.CharField(
        label="UPRN of the placement's address (optional)",
        help_text="An address in the register, by its unique property reference number",
        max_length=12,
        required=False,
    )
    starts_on = GovukDateField(
        label="Start date", error_messages={"required": "Enter the start date"}
    )
    ends_on = GovukDateField(label="End date (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placement_type"].choices = placement_types().choices  # type: ignore[attr-defined]

    def out_of_borough_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("out_of_borough") or "")


class EducationForm(GovukForm):
    status = forms.ChoiceField(
        label="Education status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the education status"},
    )
    provider = forms.CharField(
        label="School or provider (optional)", max_length=NAME_MAX, required=False
    )
    starts_on = GovukDateField(
        label="Start date", error_messages={"required": "Enter the start date"}
    )
    ends_on = GovukDateField(label="End date (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = education_statuses().choices  # type: ignore[attr-defined]


class EndForm(GovukForm):
    ends_on = GovukDateField(label="End date", error_messages={"required": "Enter the end date"})


class TransitionForm(GovukForm):
    adult_agency = forms.ChoiceField(
        label="Adult service taking over (optional)",
        help_text="Leave as 'None' when no adult service is needed, and say why in the plan",
        required=False,
    )
    plan = forms.CharField(
        label="Transition plan",
        help_text="What happens at 18: the service, the worker, what support continues",
        max_length=PLAN_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the transition plan"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in adult_services()}
        self.fields["adult_agency"].choices = [("", "None")] + [  # type: ignore[attr-defined]
            (pk, a.name) for pk, a in self.agencies.items()
        ]

    def agency(self) -> Any:
        return self.agencies.get(self.cleaned_data.get("adult_agency") or "")
