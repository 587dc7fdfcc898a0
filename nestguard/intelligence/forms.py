from __future__ import annotations

from typing import Any

from django import forms

from nestguard.accounts.models import Agency
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.intelligence import policy

_LINES = "One a line."


class SubmitForm(GovukForm):
    what = forms.CharField(
        label="What did you see or were you told?",
        help_text="Who did what, where and when. Facts, not opinions.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what you saw or were told"},
    )
    observed_on = GovukDateField(
        label="When did it happen?",
        help_text="For example, 27 11 2026. The date it happened, not today's.",
        not_in_future=True,
        error_messages={"required": "Enter the date it happened"},
    )
    observed_time = forms.CharField(
        label="Time (optional)", required=False, max_length=60,
        help_text="For example, about 10pm, or every evening",
    )  # fmt: skip
    location = forms.CharField(label="Where did it happen? (optional)", required=False)
    how_known = forms.ChoiceField(
        label="How do you know it?",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Choose how you know it"},
    )
    how_known_detail = forms.CharField(
        label="Tell us more about how you know it (optional)",
        help_text="Who told you and how they know, if someone else told you. Only the "
        "intelligence function reads this: it is removed before anything is shared.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    people = forms.CharField(
        label="People it concerns (optional)",
        help_text="Names, nicknames, ages or descriptions. " + _LINES,
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    addresses = forms.CharField(
        label="Addresses (optional)", help_text=_LINES, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    phones = forms.CharField(
        label="Phone numbers (optional)", help_text="For example, 07700 900123. " + _LINES,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    vehicles = forms.CharField(
        label="Vehicle registrations (optional)", help_text="For example, AB12 CDE. " + _LINES,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    other = forms.CharField(
        label="Anything else it concerns (optional)",
        help_text="Social media names, descriptions of places. " + _LINES,
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["how_known"].choices = policy.how_known().choices  # type: ignore[attr-defined]


class GradeForm(GovukForm):
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", widget=forms.RadioSelect, choices=[],
        error_messages={"required": "Choose the source evaluation (1, 2 or 3)"},
    )  # fmt: skip
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment", widget=forms.RadioSelect, choices=[],
        error_messages={"required": "Choose the intelligence assessment (A to E)"},
    )  # fmt: skip
    handling_code = forms.ChoiceField(
        label="Handling code", widget=forms.RadioSelect, choices=[],
        error_messages={"required": "Choose the handling code (P or C)"},
    )  # fmt: skip
    handling_conditions = forms.CharField(
        label="Conditions of sharing (handling code C)",
        help_text="The handling instructions every recipient must follow",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    excluded_agencies = forms.ModelMultipleChoiceField(
        label="Agencies it must never be shared with (handling code C, optional)",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coded = (
            ("source_evaluation", policy.source_evaluations()),
            ("intelligence_assessment", policy.intelligence_assessments()),
            ("handling_code", policy.handling_codes()),
        )
        for name, codes in coded:
            self.fields[name].choices = [(c.code, f"{c.code}: {c.label}") for c in codes.codes]  # type: ignore[attr-defined]
        self.fields["excluded_agencies"].queryset = Agency.objects.filter(active=True)  # type: ignore[attr-defined]


class SanitiseForm(GovukForm):
    text = forms.CharField(
        label="Sanitised text",
        help_text="What partners may read. Remove the source and anything that could identify "
        "them: who told whom, when and where they were, how they could know.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the sanitised text"},
    )
    keep_subjects = forms.MultipleChoiceField(
        label="Subjects partners may see",
        help_text="Leave out any that could identify the source",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args: Any, subjects: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep_subjects"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.get_kind_display()}: {s.label}") for s in subjects
        ]


class CheckForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Does the sanitised text protect the source?",
        widget=forms.RadioSelect,
        choices=[
            ("pass", "Yes: release it to be shared"),
            ("return", "No: return it (the grader writes another)"),
        ],
        error_messages={"required": "Choose whether it protects the source"},
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if you return it: what still identifies the source",
    )  # fmt: skip


class ShareForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Share with",
        queryset=Agency.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an agency to share it with"},
    )

    def __init__(self, *args: Any, targets: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[a.pk for a in targets]
        ).order_by("name")
