"""The rights app's forms (GOV.UK patterns via core.forms)."""

from __future__ import annotations

from django import forms

from nestguard.core.codes import code_list
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.rights.models import RightsDecision, RightsRequestKind


class PersonSearchForm(GovukForm):
    given_name = forms.CharField(required=False, label="Given name", max_length=100)
    family_name = forms.CharField(required=False, label="Family name", max_length=100)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name")):
            raise forms.ValidationError("Enter a given name or a family name")
        return data


class SarLogForm(GovukForm):
    received_on = GovukDateField(
        label="When was the request received?",
        help_text=(
            "Or the day the person's identity was confirmed, or the request clarified, "
            "if later. For example, 27 3 2026"
        ),
        not_in_future=True,
        error_messages={"required": "Enter the date the request was received"},
    )
    requester_note = forms.CharField(
        required=False,
        label="Notes on the request (optional)",
        help_text="How it arrived, what the person asked for, how their identity was checked.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtendForm(GovukForm):
    reason = forms.CharField(
        label="Why does the request need two more months?",
        help_text=(
            "The request is complex or the person made several. "
            "Tell the person within the first month."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request needs more time"},
    )


def _exemption_choices() -> list[tuple[str, str]]:
    return code_list("rights", "exemptions").choices


class RedactForm(GovukForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    field_label = forms.CharField(required=False, label="Part to withhold")
    exemption = forms.ChoiceField(
        label="Exemption relied on",
        choices=[("", "Choose an exemption"), *_exemption_choices()],
        error_messages={"required": "Choose the exemption the redaction relies on"},
    )
    note = forms.CharField(required=False, label="Note (optional)")


class RestrictForm(GovukForm):
    grounds = forms.ChoiceField(
        label="Grounds for the restriction",
        choices=code_list("rights", "restriction_grounds").choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the grounds for the restriction"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the restriction"},
    )


class LiftForm(GovukForm):
    lift_reason = forms.CharField(
        label="Why is the restriction lifted?",
        help_text="Tell the person before lifting it (UK GDPR Art. 18(3)).",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the restriction is lifted"},
    )


class RightsRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label="What does the person ask?",
        choices=RightsRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a correction or an objection"},
    )
    record_description = forms.CharField(
        label="Which record?",
        help_text=(
            "For example: person record, date of birth; "
            "or case CASE-000123 chronology entry of 3 May."
        ),
        max_length=300,
        error_messages={"required": "Enter which record the request is about"},
    )
    field_label = forms.CharField(required=False, label="Which detail? (optional)", max_length=200)
    original_value = forms.CharField(required=False, label="What the record says now (optional)")
    requested_value = forms.CharField(
        required=False, label="What the person says is correct (for a correction)"
    )
    grounds = forms.CharField(
        label="What the person asks, and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the person asks and why"},
    )
    received_on = GovukDateField(
        label="When was the request received?",
        not_in_future=True,
        error_messages={"required": "Enter the date the request was received"},
    )


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(RightsDecision.UPHELD, "Upheld"), (RightsDecision.REFUSED, "Refused")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the request is upheld or refused"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the decision"},
    )
    corrected_value = forms.CharField(
        required=False,
        label="Corrected value (an upheld correction)",
        help_text="Shown where the record is read, beside a notice; the original is kept.",
    )
