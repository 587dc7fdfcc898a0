"""The retention pages' forms (GOV.UK rendering from nestguard.core.forms)."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.core.forms import GovukDateField, GovukForm, VersionField
from nestguard.retention.services.holds import hold_reasons
from nestguard.retention.services.schedule import schedule_data

TARGETS = [
    ("people.person", "A person (their Nestguard identifier)"),
    ("cases.case", "A case (its reference)"),
    ("referrals.referral", "A referral (its reference)"),
]


class RuleForm(GovukForm):
    period_months = forms.IntegerField(
        label="Period in months",
        min_value=0,
        max_value=1200,
        help_text="0 when the event itself ends the period (a 25th birthday)",
    )
    runs_from = forms.ChoiceField(label="The period runs from", widget=forms.RadioSelect)
    action = forms.ChoiceField(label="At the end of the period", widget=forms.RadioSelect)
    local_policy = forms.BooleanField(
        label="This rule is local policy (no primary source)", required=False
    )
    source = forms.CharField(label="Source", widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label="Why the rule changes", widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = schedule_data()
        self.fields["runs_from"].choices = list(data["runs_from"].items())  # type: ignore[attr-defined]
        self.fields["action"].choices = list(data["actions"].items())  # type: ignore[attr-defined]


class HoldForm(GovukForm):
    target_type = forms.ChoiceField(label="What is held", choices=TARGETS, widget=forms.RadioSelect)
    target = forms.CharField(label="Reference or identifier", max_length=64)
    reason = forms.ChoiceField(label="Why", widget=forms.RadioSelect)
    reference = forms.CharField(label="Reference of the claim, review or request", max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = hold_reasons().choices  # type: ignore[attr-defined]


class LiftForm(GovukForm):
    reason = forms.CharField(
        label="Why the hold is lifted", widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have reviewed this batch and approve its disposal",
        required=True,
        error_messages={"required": "Confirm that you have reviewed the batch"},
    )


class ExtendForm(GovukForm):
    until = GovukDateField(label="Keep the records until")
    reason = forms.CharField(label="Why they are kept", widget=forms.Textarea(attrs={"rows": 3}))
